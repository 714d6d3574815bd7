#include "storage/base/file_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace vigil {
namespace {

// Built from errno at the failing call, so callers can read which operation
// on which path failed and why; ENOENT is the one case callers act on.
error posix_error(std::string_view op, const std::string& path, int err) {
  std::string msg{op};
  msg += ' ';
  msg += path;
  msg += ": ";
  msg += std::error_code(err, std::generic_category()).message();
  return error{err == ENOENT ? errc::not_found : errc::io_error, std::move(msg)};
}

class posix_writable_file final : public writable_file {
 public:
  posix_writable_file(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~posix_writable_file() override {
    if (fd_ >= 0) ::close(fd_);
  }
  posix_writable_file(const posix_writable_file&) = delete;
  posix_writable_file& operator=(const posix_writable_file&) = delete;

  std::optional<error> append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return posix_error("write", path_, errno);
      }
      data.remove_prefix(size_t(n));
    }
    return std::nullopt;
  }

  std::optional<error> sync() override {
    if (::fdatasync(fd_) != 0) return posix_error("fdatasync", path_, errno);
    return std::nullopt;
  }

  std::optional<error> close() override {
    int fd = fd_;
    fd_ = -1;
    // close(2) may report a deferred write error; it must not be retried.
    if (::close(fd) != 0) return posix_error("close", path_, errno);
    return std::nullopt;
  }

  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

class posix_readable_file final : public readable_file {
 public:
  posix_readable_file(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~posix_readable_file() override { ::close(fd_); }
  posix_readable_file(const posix_readable_file&) = delete;
  posix_readable_file& operator=(const posix_readable_file&) = delete;

  std::optional<error> read_at(uint64_t offset, size_t n, std::string& out) const override {
    out.resize(n);
    size_t done = 0;
    while (done < n) {
      ssize_t got = ::pread(fd_, out.data() + done, n - done, off_t(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return posix_error("pread", path_, errno);
      }
      if (got == 0) break;
      done += size_t(got);
    }
    out.resize(done);
    return std::nullopt;
  }

  expected<uint64_t> size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return posix_error("fstat", path_, errno);
    return uint64_t(st.st_size);
  }

  const std::string& path() const override { return path_; }

 private:
  int fd_;
  std::string path_;
};

expected<std::unique_ptr<writable_file>> open_for_write(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
  if (fd < 0) return posix_error("open", path, errno);
  return std::unique_ptr<writable_file>(new posix_writable_file(fd, path));
}

std::optional<error> sync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return posix_error("open", path, errno);
  std::optional<error> result;
  if (::fsync(fd) != 0) result = posix_error("fsync", path, errno);
  ::close(fd);
  return result;
}

class posix_fs final : public file_system {
 public:
  expected<std::unique_ptr<writable_file>> open_writable(const std::string& path) override {
    return open_for_write(path, O_TRUNC);
  }

  expected<std::unique_ptr<writable_file>> open_appendable(const std::string& path) override {
    return open_for_write(path, O_APPEND);
  }

  expected<std::unique_ptr<readable_file>> open_readable(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return posix_error("open", path, errno);
    return std::unique_ptr<readable_file>(new posix_readable_file(fd, path));
  }

  expected<uint64_t> file_size(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return posix_error("stat", path, errno);
    return uint64_t(st.st_size);
  }

  std::optional<error> truncate(const std::string& path, uint64_t size) override {
    if (::truncate(path.c_str(), off_t(size)) != 0) return posix_error("truncate", path, errno);
    return sync_path(path, O_WRONLY);
  }

  expected<std::vector<std::string>> list_dir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return posix_error("opendir", path, errno);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* entry = ::readdir(dir)) {
      std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    int err = errno;
    ::closedir(dir);
    if (err != 0) return posix_error("readdir", path, err);
    return names;
  }

  std::optional<error> remove_file(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return posix_error("unlink", path, errno);
    return std::nullopt;
  }

  std::optional<error> remove_dir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return posix_error("rmdir", path, errno);
    return std::nullopt;
  }

  std::optional<error> rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return posix_error("rename", from + " to " + to, errno);
    return std::nullopt;
  }

  std::optional<error> create_dir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) == 0) return std::nullopt;
    int err = errno;
    struct stat st;
    if (err == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return std::nullopt;
    return posix_error("mkdir", path, err);
  }

  std::optional<error> sync_dir(const std::string& path) override {
    return sync_path(path, O_RDONLY | O_DIRECTORY);
  }

  expected<std::unique_ptr<file_lock>> lock(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return posix_error("open", path, errno);
    // flock locks belong to the open file description, so a second open in
    // this same process conflicts too.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return error{errc::unavailable, path + " is locked by another user"};
      return posix_error("flock", path, err);
    }
    return std::unique_ptr<file_lock>{new posix_lock{fd}};
  }

 private:
  struct posix_lock final : file_lock {
    explicit posix_lock(int fd) : fd_(fd) {}
    ~posix_lock() override { ::close(fd_); }
    int fd_;
  };
};

}  // namespace

expected<std::string> file_system::read_file(const std::string& path) {
  auto file = open_readable(path);
  if (!file) return std::move(file).error_value();
  auto size = (*file)->size();
  if (!size) return std::move(size).error_value();
  std::string out;
  if (auto err = (*file)->read_at(0, size_t(*size), out)) return std::move(*err);
  return out;
}

file_system& posix_file_system() {
  static posix_fs fs;
  return fs;
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out{dir};
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace vigil
