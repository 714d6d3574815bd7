// wal_crash_child DIR always|batch ITERATION THREADS
//
// The victim of crash_test.cpp. Opens (replays) the log in DIR, prints
// "ready", then appends batches of samples records from THREADS threads
// until it is killed. Every record carries a unique content id (its series
// id). A line "ack <id> <position>" is written to stdout only once the
// record is durable: after append returns in always mode, from the
// durability callback in batch mode. Now and then one thread rolls,
// checkpoints everything known so far and deletes the covered segments,
// so kills also land inside checkpoints.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/base/file_system.hpp"
#include "storage/wal/records.hpp"
#include "storage/wal/wal.hpp"

using namespace vigil;
using namespace vigil::wal;

namespace {

// One write per line: lines below PIPE_BUF are atomic on a pipe, so a kill
// never leaves half an acknowledgement.
void say(const std::string& line) {
  std::string out = line + "\n";
  if (::write(STDOUT_FILENO, out.data(), out.size()) != ssize_t(out.size())) std::_Exit(3);
}

struct known_record {
  uint32_t segment;
  std::string payload;
};

struct pending_ack {
  uint64_t position;
  std::vector<series_id> ids;
};

class child {
 public:
  child(std::string dir, sync_mode mode, uint64_t iteration)
      : dir_(std::move(dir)), mode_(mode), next_id_(iteration << 32) {}

  int run(int threads) {
    options opts;
    opts.segment_size = 16 << 10;
    opts.sync = mode_;
    opts.batch_interval = std::chrono::milliseconds(2);
    auto opened = write_ahead_log::open(posix_file_system(), dir_, opts,
                                        [this](const replayed_record& r) -> std::optional<error> {
                                          known_.push_back({r.segment, std::string{r.payload}});
                                          return std::nullopt;
                                        });
    if (!opened) {
      std::fprintf(stderr, "open: %s\n", to_string(opened.error_value()).c_str());
      return 2;
    }
    log_ = std::move(*opened);
    last_checkpoint_ = log_->replayed().checkpoint.value_or(0);
    if (mode_ == sync_mode::batch) log_->on_durable([this](uint64_t p) { acknowledge(p); });
    say("ready");
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back([this, t] { append_loop(t); });
    for (auto& t : pool) t.join();
    return 0;
  }

 private:
  void append_loop(int thread) {
    std::mt19937_64 rng(next_id_ + uint64_t(thread));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (uint64_t batch = 1; std::chrono::steady_clock::now() < deadline; ++batch) {
      if (thread == 0 && batch % 25 == 0) checkpoint();
      std::vector<std::string> payloads;
      std::vector<series_id> ids;
      for (uint64_t r = 0, n = 1 + rng() % 3; r < n; ++r) {
        ids.push_back(next_id_.fetch_add(1));
        std::vector<sample_entry> samples(1 + rng() % 40, sample_entry{ids.back(), 0, 0});
        for (size_t i = 0; i < samples.size(); ++i) samples[i].t = timestamp(i);
        payloads.emplace_back();
        encode_samples(samples, payloads.back());
      }
      std::vector<record_view> views;
      for (const auto& p : payloads) views.push_back({uint8_t(record_type::samples), p});
      std::shared_lock appending(checkpoint_mu_);
      auto pos = log_->append(views);
      if (!pos) {
        std::fprintf(stderr, "append: %s\n", to_string(pos.error_value()).c_str());
        std::_Exit(4);
      }
      {
        std::lock_guard lock(known_mu_);
        for (auto& p : payloads) known_.push_back({position_segment(*pos), std::move(p)});
        if (mode_ == sync_mode::batch) pending_.push_back({*pos, ids});
      }
      if (mode_ == sync_mode::always)
        for (series_id id : ids) say("ack " + std::to_string(id) + " " + std::to_string(*pos));
      else
        acknowledge(log_->durable_position());  // it may have become durable already
    }
  }

  // Acknowledges pending records up to `durable`; positions are only
  // compared, so callbacks and appenders may race here harmlessly.
  void acknowledge(uint64_t durable) {
    std::lock_guard lock(known_mu_);
    while (!pending_.empty() && pending_.front().position <= durable) {
      for (series_id id : pending_.front().ids)
        say("ack " + std::to_string(id) + " " + std::to_string(pending_.front().position));
      pending_.pop_front();
    }
  }

  // Everything in segments before the current one goes into the
  // checkpoint; appenders are held off so nothing is in flight meanwhile.
  void checkpoint() {
    std::unique_lock exclusive(checkpoint_mu_);
    if (auto err = log_->roll()) std::_Exit(5);
    const uint32_t through = log_->segment() - 1;
    if (through <= last_checkpoint_) return;  // nothing new since the last one
    last_checkpoint_ = through;
    std::lock_guard lock(known_mu_);
    std::vector<record_view> views;
    for (auto& k : known_)
      if (k.segment <= through) views.push_back({uint8_t(record_type::samples), k.payload});
    if (auto err = log_->checkpoint(through, views)) {
      std::fprintf(stderr, "checkpoint: %s\n", to_string(*err).c_str());
      std::_Exit(6);
    }
    for (auto& k : known_)
      if (k.segment <= through) k.segment = through;
    if (auto err = log_->truncate_before(through + 1)) std::_Exit(7);
  }

  std::string dir_;
  sync_mode mode_;
  std::atomic<uint64_t> next_id_;
  std::unique_ptr<write_ahead_log> log_;
  uint32_t last_checkpoint_ = 0;
  std::shared_mutex checkpoint_mu_;
  std::mutex known_mu_;
  std::vector<known_record> known_;
  std::deque<pending_ack> pending_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DIR always|batch ITERATION THREADS\n", argv[0]);
    return 1;
  }
  const bool always = std::strcmp(argv[2], "always") == 0;
  child c(argv[1], always ? sync_mode::always : sync_mode::batch, std::stoull(argv[3]));
  return c.run(std::stoi(argv[4]));
}
