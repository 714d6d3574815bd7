#pragma once

// A file_system wrapper for tests: counts writes and syncs, injects
// failures, lets a test hold an fsync open, and simulates a power loss by
// dropping what was never synced (LevelDB's fault-injection env idea).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "storage/base/file_system.hpp"

namespace vigil::wal::test {

class fault_file_system final : public file_system {
 public:
  /// Wraps `base` (usually the POSIX file system), which must outlive this.
  explicit fault_file_system(file_system& base) : base_(base) {}

  /// After `bytes` more bytes, writes stop mid-way and fail (a full disk).
  void fail_writes_after(uint64_t bytes);
  /// File syncs after the next `n` fail.
  void fail_syncs_after(uint64_t n);
  /// Runs at the start of every file sync, on the syncing thread.
  void on_sync(std::function<void()> hook);
  /// Runs after every successful append, on the appending thread.
  void on_append(std::function<void()> hook);

  /// Simulates a power loss: every file written through this object loses
  /// the bytes appended after its last sync, and files created since their
  /// directory was last synced disappear.
  void drop_unsynced();

  [[nodiscard]] uint64_t file_syncs() const { return file_syncs_; }
  [[nodiscard]] uint64_t dir_syncs() const { return dir_syncs_; }
  [[nodiscard]] uint64_t appends() const { return appends_; }

  expected<std::unique_ptr<writable_file>> open_writable(const std::string& path) override;
  expected<std::unique_ptr<writable_file>> open_appendable(const std::string& path) override;
  expected<std::unique_ptr<readable_file>> open_readable(const std::string& path) override {
    return base_.open_readable(path);
  }
  expected<uint64_t> file_size(const std::string& path) override { return base_.file_size(path); }
  std::optional<error> truncate(const std::string& path, uint64_t size) override;
  expected<std::vector<std::string>> list_dir(const std::string& path) override {
    return base_.list_dir(path);
  }
  std::optional<error> remove_file(const std::string& path) override;
  std::optional<error> remove_dir(const std::string& path) override {
    return base_.remove_dir(path);
  }
  std::optional<error> rename(const std::string& from, const std::string& to) override {
    return base_.rename(from, to);
  }
  std::optional<error> create_dir(const std::string& path) override {
    return base_.create_dir(path);
  }
  std::optional<error> sync_dir(const std::string& path) override;
  expected<std::unique_ptr<file_lock>> lock(const std::string& path) override {
    return base_.lock(path);
  }

 private:
  class file;
  friend class file;

  struct file_state {
    uint64_t written = 0;
    uint64_t synced = 0;
  };

  expected<std::unique_ptr<writable_file>> wrap(const std::string& path,
                                                expected<std::unique_ptr<writable_file>> inner,
                                                bool created);
  [[nodiscard]] std::optional<error> before_append(const std::string& path, std::string_view& data);
  void after_append(const std::string& path, uint64_t bytes);
  [[nodiscard]] std::optional<error> before_sync(const std::string& path, uint64_t& covered);
  void after_sync(const std::string& path, uint64_t covered);

  file_system& base_;
  std::mutex mu_;
  std::map<std::string, file_state> files_;
  std::set<std::string> unsynced_entries_;
  std::optional<uint64_t> write_budget_;
  std::optional<uint64_t> sync_budget_;
  std::function<void()> sync_hook_;
  std::function<void()> append_hook_;
  std::atomic<uint64_t> file_syncs_{0};
  std::atomic<uint64_t> dir_syncs_{0};
  std::atomic<uint64_t> appends_{0};
};

}  // namespace vigil::wal::test
