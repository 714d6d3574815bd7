// End-to-end msgpack push over TCP: a gen_dataset.py dataset pushed to a
// running vigild's ingest port with the C++ client, writes pipelined up to
// max_inflight, timed from the first write to the last ack (every ack
// means durable). Results in docs/benchmarks.md (bench/compare_push.sh
// runs it side by side with VictoriaMetrics).
//
//   push_tcp DATASET_DIR HOST:PORT [--token T] [--batch SAMPLES] [--connections N]
//            [--time-major]
//
// Writes hold whole series, as the dataset's VictoriaMetrics import lines
// do, up to SAMPLES samples each (default 20000); with N connections the
// writes are dealt round robin to N client threads. The dataset is loaded
// and the writes built before the clock starts. --time-major sends it as
// agents would: each write holds the next sample of SAMPLES series, so
// every label set repeats write after write (the series cache's case).

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/dataset.hpp"
#include "runtime/cli.hpp"
#include "runtime/wire/push_client.hpp"

namespace {

using namespace vigil;
namespace push = wire::push;
using batch = std::vector<series_write>;

struct totals {
  uint64_t accepted = 0;
  uint64_t issues = 0;
  uint64_t errors = 0;
  std::string failure;
};

// Whole series per write, a series longer than `max_samples` in pieces.
std::vector<batch> load(const std::string& dir, std::size_t max_samples, uint64_t& samples) {
  std::vector<batch> out(1);
  std::size_t in_last = 0;
  const bool ok = bench::for_each_series(dir, [&](const labels& ls, const std::vector<sample>& s) {
    for (std::size_t from = 0; from < s.size(); from += max_samples) {
      const std::size_t n = std::min(max_samples, s.size() - from);
      if (in_last + n > max_samples && in_last > 0) {
        out.emplace_back();
        in_last = 0;
      }
      out.back().push_back({ls,
                            {s.begin() + static_cast<std::ptrdiff_t>(from),
                             s.begin() + static_cast<std::ptrdiff_t>(from + n)}});
      in_last += n;
      samples += n;
    }
  });
  if (!ok) out.clear();
  return out;
}

// Time-major writes: write k of round r holds sample r of the series in
// group k. Built as they are sent (the client copies each write).
class rounds {
 public:
  rounds(std::vector<batch> whole, std::size_t per_write) {
    for (auto& w : whole)
      for (auto& s : w) {
        if (groups_.empty() || groups_.back().size() == per_write) groups_.emplace_back();
        rounds_ = std::max(rounds_, s.samples.size());
        groups_.back().push_back({std::move(s.ls), {}});
        samples_.push_back(std::move(s.samples));
      }
  }
  [[nodiscard]] std::size_t size() const { return groups_.size() * rounds_; }
  [[nodiscard]] const batch& at(std::size_t i) {
    auto& g = groups_[i % groups_.size()];
    const std::size_t r = i / groups_.size();
    const std::size_t first = (i % groups_.size()) * groups_.front().size();
    for (std::size_t k = 0; k < g.size(); ++k) {
      const auto& all = samples_[first + k];
      g[k].samples.assign(all.begin() + static_cast<std::ptrdiff_t>(std::min(r, all.size())),
                          all.begin() + static_cast<std::ptrdiff_t>(std::min(r + 1, all.size())));
    }
    return g;
  }

 private:
  std::vector<batch> groups_;
  std::vector<series_write::sample_list> samples_;  // by series, in group order
  std::size_t rounds_ = 0;
};

const batch& at(const std::vector<batch>& writes, std::size_t i) {
  return writes[i];
}
const batch& at(rounds& writes, std::size_t i) {
  return writes.at(i);
}

// Pushes every `stride`-th write from `first` on one connection.
template <class Writes>
totals run(const runtime::listen_address& to, const std::string& token, Writes& writes,
           std::size_t first, std::size_t stride) {
  totals t;
  auto c = push::client::connect(to.host, to.port, {.token = token, .client = "push_tcp/1"});
  if (!c) return {0, 0, 0, c.error_value().message};
  auto take = [&]() {
    auto a = c->next_answer();
    if (!a) return t.failure = a.error_value().message, false;
    if (auto* ack = std::get_if<push::ack_msg>(&*a)) {
      t.accepted += ack->accepted;
      t.issues += ack->issues.size();
    } else {
      ++t.errors;
    }
    return true;
  };
  for (std::size_t i = first; i < writes.size(); i += stride) {
    while (c->unanswered() >= c->welcome().max_inflight)
      if (!take()) return t;
    if (auto seq = c->write(at(writes, i)); !seq) {
      t.failure = seq.error_value().message;
      return t;
    }
  }
  while (c->unanswered() > 0)
    if (!take()) return t;
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: push_tcp DATASET_DIR HOST:PORT [--token T] [--batch SAMPLES] "
                 "[--connections N]\n");
    return 2;
  }
  auto to = runtime::parse_listen_address(argv[2]);
  if (!to) {
    std::fprintf(stderr, "push_tcp: %s\n", to.error_value().message.c_str());
    return 2;
  }
  std::string token;
  std::size_t batch_samples = 20000;
  std::size_t connections = 1;
  bool time_major = false;
  for (int i = 3; i < argc; ++i) {
    const std::string flag = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    if (flag == "--time-major") time_major = true;
    if (flag == "--token") token = value;
    if (flag == "--batch") batch_samples = std::stoul(value);
    if (flag == "--connections") connections = std::max<std::size_t>(1, std::stoul(value));
  }
  uint64_t samples = 0;
  auto writes = load(argv[1], batch_samples, samples);
  if (writes.empty()) {
    std::fprintf(stderr, "push_tcp: cannot read %s/data.vm.jsonl\n", argv[1]);
    return 2;
  }
  // Each connection keeps its own round buffers.
  std::vector<rounds> by_round;
  if (time_major)
    for (std::size_t i = 0; i < connections; ++i) by_round.emplace_back(writes, batch_samples);
  const std::size_t count = time_major ? by_round.front().size() : writes.size();
  std::printf("dataset: %llu samples in %zu %swrites of at most %zu samples, %zu connection(s)\n",
              static_cast<unsigned long long>(samples), count, time_major ? "time-major " : "",
              batch_samples, connections);

  const auto start = std::chrono::steady_clock::now();
  std::vector<totals> results(connections);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < connections; ++i)
    threads.emplace_back([&, i] {
      results[i] = time_major ? run(*to, token, by_round[i], i, connections)
                              : run(*to, token, writes, i, connections);
    });
  for (auto& t : threads) t.join();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

  totals all;
  for (const auto& r : results) {
    all.accepted += r.accepted;
    all.issues += r.issues;
    all.errors += r.errors;
    if (all.failure.empty()) all.failure = r.failure;
  }
  std::printf(
      "pushed in %.2f s: %.0f samples/s acknowledged (%llu accepted, %llu issues, %llu "
      "error answers)\n",
      took.count(), static_cast<double>(all.accepted) / took.count(),
      static_cast<unsigned long long>(all.accepted), static_cast<unsigned long long>(all.issues),
      static_cast<unsigned long long>(all.errors));
  if (!all.failure.empty()) {
    std::fprintf(stderr, "push_tcp: %s\n", all.failure.c_str());
    return 1;
  }
  return all.accepted == samples ? 0 : 1;
}
