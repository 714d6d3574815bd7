#pragma once

// The file-system seam (LevelDB's Env idea): everything storage engines do
// to files goes through `file_system`, so tests can wrap it to count calls
// or inject faults (a write that stops after N bytes, an fsync that fails)
// and production uses `posix_file_system()`.
//
// Errors are `error{errc::io_error or errc::not_found, "<op> <path>:
// <strerror>"}`; nothing throws. Paths are plain strings joined with '/'.
//
// Threading: a file_system may be used from any number of threads at once.
// A writable_file may be shared between threads provided appends are
// serialised by the caller; `sync()` may run concurrently with `append()`
// (group commit relies on it). A readable_file is safe for concurrent
// `read_at` calls.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/expected.hpp"

namespace vigil {

/// A file open for writing at its end.
class writable_file {
 public:
  virtual ~writable_file() = default;

  /// Writes all of `data` at the end of the file: one write(2) unless the
  /// kernel returns a short count. On error an unknown prefix of `data` may
  /// have been written.
  [[nodiscard]] virtual std::optional<error> append(std::string_view data) = 0;

  /// Makes everything appended so far durable (fdatasync, which also
  /// persists the grown size). After a failed sync the state of the file's
  /// unsynced data is unknown; callers should treat the file as failed.
  [[nodiscard]] virtual std::optional<error> sync() = 0;

  /// Closes the file; later calls fail. Does not sync. Destruction closes
  /// too, ignoring errors.
  [[nodiscard]] virtual std::optional<error> close() = 0;

  /// The path the file was opened with, for error messages.
  [[nodiscard]] virtual const std::string& path() const = 0;
};

/// A file open for positional reads.
class readable_file {
 public:
  virtual ~readable_file() = default;

  /// Reads up to `n` bytes at `offset` into `out` (resized to the bytes
  /// read): fewer than `n` only at the end of the file.
  [[nodiscard]] virtual std::optional<error> read_at(uint64_t offset, size_t n,
                                                     std::string& out) const = 0;

  /// The file's current size in bytes.
  [[nodiscard]] virtual expected<uint64_t> size() const = 0;

  [[nodiscard]] virtual const std::string& path() const = 0;
};

/// An exclusive advisory lock on a file, released when destroyed.
class file_lock {
 public:
  virtual ~file_lock() = default;
};

/// What storage engines need from a file system.
class file_system {
 public:
  virtual ~file_system() = default;

  /// Creates `path`, or truncates it to zero bytes if it exists.
  [[nodiscard]] virtual expected<std::unique_ptr<writable_file>> open_writable(
      const std::string& path) = 0;

  /// Opens `path` for appending at its end, creating it if absent.
  [[nodiscard]] virtual expected<std::unique_ptr<writable_file>> open_appendable(
      const std::string& path) = 0;

  /// Opens an existing file for reading; errc::not_found if absent.
  [[nodiscard]] virtual expected<std::unique_ptr<readable_file>> open_readable(
      const std::string& path) = 0;

  /// The size of the file at `path`.
  [[nodiscard]] virtual expected<uint64_t> file_size(const std::string& path) = 0;

  /// Cuts the file at `path` to `size` bytes and syncs it, so the cut is
  /// durable when this returns.
  [[nodiscard]] virtual std::optional<error> truncate(const std::string& path, uint64_t size) = 0;

  /// The names (not paths) of the entries in directory `path`, without "."
  /// and "..", in no particular order; errc::not_found if it is absent.
  [[nodiscard]] virtual expected<std::vector<std::string>> list_dir(const std::string& path) = 0;

  /// Removes a file.
  [[nodiscard]] virtual std::optional<error> remove_file(const std::string& path) = 0;

  /// Removes an empty directory.
  [[nodiscard]] virtual std::optional<error> remove_dir(const std::string& path) = 0;

  /// Atomically renames `from` to `to`, replacing a file `to` or an empty
  /// directory `to`. Durable only after `sync_dir` of the parent(s).
  [[nodiscard]] virtual std::optional<error> rename(const std::string& from,
                                                    const std::string& to) = 0;

  /// Creates directory `path` (not its parents); succeeds if it already
  /// exists as a directory.
  [[nodiscard]] virtual std::optional<error> create_dir(const std::string& path) = 0;

  /// Syncs directory `path`, making created, removed and renamed entries in
  /// it durable.
  [[nodiscard]] virtual std::optional<error> sync_dir(const std::string& path) = 0;

  /// Locks `path` (created if absent) exclusively without waiting:
  /// errc::unavailable while another holder, in this process or another,
  /// has it.
  [[nodiscard]] virtual expected<std::unique_ptr<file_lock>> lock(const std::string& path) = 0;

  /// Reads the whole file at `path` (built on `open_readable`).
  [[nodiscard]] expected<std::string> read_file(const std::string& path);
};

/// The process-wide POSIX implementation; it has no state and lives
/// forever.
[[nodiscard]] file_system& posix_file_system();

/// `dir + "/" + name`.
[[nodiscard]] std::string join_path(std::string_view dir, std::string_view name);

}  // namespace vigil
