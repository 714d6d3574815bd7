#include "fault_file_system.hpp"

namespace vigil::wal::test {

class fault_file_system::file final : public writable_file {
 public:
  file(fault_file_system& owner, std::unique_ptr<writable_file> inner)
      : owner_(owner), inner_(std::move(inner)) {}

  std::optional<error> append(std::string_view data) override {
    auto injected = owner_.before_append(path(), data);
    if (!data.empty()) {
      if (auto err = inner_->append(data)) return err;
      owner_.after_append(path(), data.size());
    }
    return injected;
  }

  std::optional<error> sync() override {
    uint64_t covered = 0;
    if (auto err = owner_.before_sync(path(), covered)) return err;
    if (auto err = inner_->sync()) return err;
    owner_.after_sync(path(), covered);
    return std::nullopt;
  }

  std::optional<error> close() override { return inner_->close(); }
  const std::string& path() const override { return inner_->path(); }

 private:
  fault_file_system& owner_;
  std::unique_ptr<writable_file> inner_;
};

void fault_file_system::fail_writes_after(uint64_t bytes) {
  std::lock_guard lock(mu_);
  write_budget_ = bytes;
}

void fault_file_system::fail_syncs_after(uint64_t n) {
  std::lock_guard lock(mu_);
  sync_budget_ = n;
}

void fault_file_system::on_sync(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  sync_hook_ = std::move(hook);
}

void fault_file_system::on_append(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  append_hook_ = std::move(hook);
}

void fault_file_system::drop_unsynced() {
  std::lock_guard lock(mu_);
  for (auto& [path, state] : files_) {
    if (unsynced_entries_.count(path) != 0) {
      (void)base_.remove_file(path);
    } else if (state.written > state.synced) {
      (void)base_.truncate(path, state.synced);
    }
    state.written = state.synced;
  }
  unsynced_entries_.clear();
}

expected<std::unique_ptr<writable_file>> fault_file_system::open_writable(const std::string& path) {
  bool existed = bool(base_.file_size(path));
  return wrap(path, base_.open_writable(path), !existed);
}

expected<std::unique_ptr<writable_file>> fault_file_system::open_appendable(
    const std::string& path) {
  bool existed = bool(base_.file_size(path));
  return wrap(path, base_.open_appendable(path), !existed);
}

expected<std::unique_ptr<writable_file>> fault_file_system::wrap(
    const std::string& path, expected<std::unique_ptr<writable_file>> inner, bool created) {
  if (!inner) return inner;
  auto size = base_.file_size(path);
  {
    std::lock_guard lock(mu_);
    uint64_t n = size ? *size : 0;
    files_[path] = file_state{n, n};
    if (created) unsynced_entries_.insert(path);
  }
  return std::unique_ptr<writable_file>(new file(*this, std::move(*inner)));
}

std::optional<error> fault_file_system::before_append(const std::string& path,
                                                      std::string_view& data) {
  std::lock_guard lock(mu_);
  ++appends_;
  if (!write_budget_) return std::nullopt;
  if (data.size() <= *write_budget_) {
    *write_budget_ -= data.size();
    return std::nullopt;
  }
  data = data.substr(0, *write_budget_);
  *write_budget_ = 0;
  return error{errc::io_error, "write " + path + ": injected: No space left on device"};
}

void fault_file_system::after_append(const std::string& path, uint64_t bytes) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    files_[path].written += bytes;
    hook = append_hook_;
  }
  if (hook) hook();
}

std::optional<error> fault_file_system::before_sync(const std::string& path, uint64_t& covered) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    ++file_syncs_;
    covered = files_[path].written;
    hook = sync_hook_;
    if (sync_budget_) {
      if (*sync_budget_ == 0)
        return error{errc::io_error, "fdatasync " + path + ": injected: Input/output error"};
      --*sync_budget_;
    }
  }
  // Outside the lock: a hook may block until the test releases it.
  if (hook) hook();
  return std::nullopt;
}

void fault_file_system::after_sync(const std::string& path, uint64_t covered) {
  std::lock_guard lock(mu_);
  auto& state = files_[path];
  if (covered > state.synced) state.synced = covered;
}

std::optional<error> fault_file_system::truncate(const std::string& path, uint64_t size) {
  if (auto err = base_.truncate(path, size)) return err;
  std::lock_guard lock(mu_);
  if (auto it = files_.find(path); it != files_.end()) it->second = file_state{size, size};
  return std::nullopt;
}

std::optional<error> fault_file_system::remove_file(const std::string& path) {
  if (auto err = base_.remove_file(path)) return err;
  std::lock_guard lock(mu_);
  files_.erase(path);
  unsynced_entries_.erase(path);
  return std::nullopt;
}

std::optional<error> fault_file_system::sync_dir(const std::string& path) {
  ++dir_syncs_;
  if (auto err = base_.sync_dir(path)) return err;
  std::lock_guard lock(mu_);
  std::erase_if(unsynced_entries_, [&](const std::string& entry) {
    return entry.size() > path.size() && entry.compare(0, path.size(), path) == 0 &&
           entry[path.size()] == '/' && entry.find('/', path.size() + 1) == std::string::npos;
  });
  return std::nullopt;
}

}  // namespace vigil::wal::test
