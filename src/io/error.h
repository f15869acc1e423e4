// The errors rigz reports. Library code throws them; the command line turns them into
// gzip's messages and exit codes, and never exits from inside the library.
#pragma once
#include <stdexcept>
#include <string>

namespace rigz {

class Error : public std::runtime_error {
 public:
  enum class Kind {
    read,         // the input could not be read
    write,        // the output could not be written (disk full, EIO, ...)
    create,       // an output file could not be made or put in place (permission, a directory there)
    broken_pipe,  // the reader of our output went away (EPIPE)
    data,         // the compressed input is corrupt, truncated or not gzip
    usage,        // an option or argument is invalid
    resource,     // out of memory or another failure of the machine, not of the data
  };
  Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace rigz
