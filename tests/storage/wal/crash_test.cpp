// Crash safety: runs wal_crash_child, SIGKILLs it at a seeded random
// number of acknowledgements (sometimes before the first), replays, and
// checks that every acknowledged record is there exactly once and that the
// only damage is a truncated tail. The same directory is reused across
// iterations, so each child also replays its predecessors' crashes.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <set>
#include <sstream>

#include "wal_test_util.hpp"

extern char** environ;

using namespace vigil;
using namespace vigil::wal;
using namespace vigil::wal::test;

namespace {

constexpr int iterations = 24;
constexpr auto patience = std::chrono::seconds(20);  // per wait; never reached when working

// A running child with its stdout on a pipe; killed and reaped on scope
// exit whatever happens to the test.
class child_process {
 public:
  explicit child_process(std::vector<std::string> args) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    ::posix_spawn_file_actions_addclose(&actions, fds[0]);
    ::posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    REQUIRE(rc == 0);
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    kill();
    ::close(out_);
  }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  // The next line of output, or nullopt at end of file; fails the test
  // after `patience` without one.
  std::optional<std::string> read_line() {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (true) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      REQUIRE(left.count() > 0);
      pollfd p{out_, POLLIN, 0};
      int ready = ::poll(&p, 1, int(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      REQUIRE(ready >= 0);
      if (ready == 0) continue;
      char chunk[4096];
      ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      REQUIRE(n >= 0);
      if (n == 0) return std::nullopt;
      buffer_.append(chunk, size_t(n));
    }
  }

 private:
  pid_t pid_ = 0;
  int out_ = -1;
  std::string buffer_;
};

// Parses "ack <id> <position>" into the id.
uint64_t acked_id(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  uint64_t id = 0, position = 0;
  in >> word >> id >> position;
  REQUIRE(word == "ack");
  REQUIRE(position > 0);
  return id;
}

}  // namespace

TEST_CASE("wal keeps every acknowledged record across SIGKILLs", "[wal][crash]") {
  temp_dir dir;
  const std::string log_dir = dir / "wal";
  std::mt19937 rng(20240601);
  std::set<uint64_t> acknowledged;
  uint64_t truncations = 0;
  for (int iteration = 1; iteration <= iterations; ++iteration) {
    const char* mode = iteration % 2 ? "always" : "batch";
    const uint32_t kill_after = rng() % 4 == 0 ? 0 : rng() % 600;
    INFO("iteration " << iteration << " mode " << mode << " kill after " << kill_after);
    {
      child_process child({VIGIL_WAL_CRASH_CHILD, log_dir, mode, std::to_string(iteration), "3"});
      REQUIRE(child.read_line() == "ready");
      for (uint32_t acks = 0; acks < kill_after; ++acks) {
        auto line = child.read_line();
        REQUIRE(line);
        acknowledged.insert(acked_id(*line));
      }
      child.kill();
      // Acknowledgements already in the pipe were given before the kill.
      while (auto line = child.read_line()) acknowledged.insert(acked_id(*line));
    }

    std::set<uint64_t> present;
    std::vector<uint64_t> duplicated, mixed, missing;
    std::vector<sample_entry> samples;
    auto report = replay(posix_file_system(), log_dir, [&](const replayed_record& r) {
      if (auto err = decode_samples(r.payload, samples)) return err;
      const uint64_t id = samples.empty() ? 0 : samples.front().id;
      for (const auto& s : samples)
        if (s.id != id) mixed.push_back(id);
      if (!present.insert(id).second) duplicated.push_back(id);
      return std::optional<error>{};
    });
    REQUIRE(report);
    for (const auto& issue : report->issues) {
      INFO(issue.to_string());
      CHECK(issue.action == replay_action::truncated);
      ++truncations;
    }
    std::set_difference(acknowledged.begin(), acknowledged.end(), present.begin(), present.end(),
                        std::back_inserter(missing));
    CHECK(duplicated.empty());
    CHECK(mixed.empty());
    CHECK(missing.empty());
  }
  INFO("acknowledged " << acknowledged.size() << ", truncated tails " << truncations);
  CHECK(acknowledged.size() > 500);
}
