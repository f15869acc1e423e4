// A file that appears under its final name only when it is complete.
//
// The data goes to a temporary file in the target directory, created with O_EXCL and
// mode 0600 so no one else can read it meanwhile; commit() copies the metadata, closes
// it (reporting any delayed write error) and renames it into place. Until then - on an
// error, an exception, or SIGINT/SIGTERM through the cleanup registry - the temporary
// file is removed and nothing under the final name is touched.
#pragma once
#include <sys/stat.h>

#include <string>

#include "io/stream.h"

namespace rigz {

class OutputFile {
 public:
  // Creates the temporary file beside `final_path`. Throws Error::write on failure.
  explicit OutputFile(std::string final_path);
  ~OutputFile();  // removes the temporary file unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  OutputStream& stream() { return stream_; }
  int fd() const { return fd_; }

  // Copies mode bits, owner (when allowed) and times from `meta`.
  void set_metadata(const struct stat& meta);
  // Sets the modification time (-N restores the one stored in the header).
  void set_mtime(time_t mtime);
  // Closes (after an fsync when `sync`, for --synchronous) and renames into place.
  // With overwrite false, an existing file of the final
  // name is never replaced (the check and the rename are one step). Throws Error::write.
  void commit(bool overwrite, bool sync = false);

 private:
  std::string final_path_, temp_path_;
  int fd_ = -1;
  int slot_ = -1;  // in the signal clean-up table
  FdOutput stream_{-1};
  bool committed_ = false;
};

// Removes the registered temporary files; async-signal-safe. Called by the signal
// handlers the command line installs.
void remove_temporary_files_from_signal();

}  // namespace rigz
