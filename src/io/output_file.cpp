#include "io/output_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

#include "io/error.h"

namespace rigz {
namespace {

// Temporary files that a signal handler must remove. A fixed table of fixed-size
// strings: a handler may not allocate or take locks, it only reads slots that are
// fully written before their `used` flag is set.
constexpr int kSlots = 64;
constexpr size_t kPathMax = 4096;
struct Slot {
  std::atomic<bool> used{false};
  char path[kPathMax] = {};
};
constinit Slot g_slots[kSlots];  // constinit: in .bss, untouched until used (a run-time initializer touched 64 pages)

int register_temp(const std::string& path) {
  if (path.size() >= kPathMax) return -1;
  for (int i = 0; i < kSlots; ++i) {
    if (g_slots[i].used.load()) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    bool expected = false;
    if (g_slots[i].used.compare_exchange_strong(expected, true)) return i;
  }
  return -1;
}

void unregister_temp(int slot) {
  if (slot >= 0) g_slots[slot].used.store(false);
}

thread_local std::mt19937_64 g_rng{std::random_device{}()};

std::string sibling_temp_name(const std::string& final_path) {
  auto slash = final_path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : final_path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? final_path : final_path.substr(slash + 1);
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, ".%08x", static_cast<unsigned>(g_rng()));
  // Keep the name within NAME_MAX: shorten the base if needed.
  if (base.size() > 200) base.resize(200);
  return dir + ".rigz-" + base + suffix;
}

}  // namespace

void remove_temporary_files_from_signal() {
  for (auto& s : g_slots)
    if (s.used.load()) unlink(s.path);
}

OutputFile::OutputFile(std::string final_path) : final_path_(std::move(final_path)) {
  // The file is created and registered for clean-up with the fatal signals blocked, so
  // that no signal can come between the two and leave it behind.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  int err = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = sibling_temp_name(final_path_);
    fd_ = open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ >= 0 || errno != EEXIST) break;
  }
  if (fd_ < 0)
    err = errno;
  else
    slot_ = register_temp(temp_path_);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (fd_ < 0) throw Error(Error::Kind::create, std::strerror(err));
  stream_ = FdOutput(fd_);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlink(temp_path_.c_str());
  unregister_temp(slot_);
}

void OutputFile::set_metadata(const struct stat& meta) {
  // Owner first: chown may clear mode bits, which the chmod below then sets.
  if (fchown(fd_, meta.st_uid, meta.st_gid) != 0) (void)fchown(fd_, -1, meta.st_gid);
  // The permission bits, as gzip copies them (set-id files are not compressed; the
  // sticky bit is not copied).
  (void)fchmod(fd_, meta.st_mode & 0777);
  struct timespec times[2] = {meta.st_atim, meta.st_mtim};
  (void)futimens(fd_, times);
}

void OutputFile::set_mtime(time_t mtime) {
  struct timespec times[2] = {{0, UTIME_OMIT}, {mtime, 0}};
  (void)futimens(fd_, times);
}

void OutputFile::commit(bool overwrite, bool sync) {
  if (sync && fsync(fd_) != 0) throw Error(Error::Kind::write, std::strerror(errno));
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) throw Error(Error::Kind::write, std::strerror(errno));
  int r;
  if (overwrite) {
    r = rename(temp_path_.c_str(), final_path_.c_str());
  } else {
    r = static_cast<int>(
        syscall(SYS_renameat2, AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_path_.c_str(), RENAME_NOREPLACE));
    if (r != 0 && errno == EINVAL) {  // file system without renameat2: link, then unlink
      r = link(temp_path_.c_str(), final_path_.c_str());
      if (r == 0) unlink(temp_path_.c_str());
    }
  }
  if (r != 0) throw Error(Error::Kind::create, std::strerror(errno));
  committed_ = true;
}

}  // namespace rigz
