#pragma once

// A child process with its stdout on a pipe, for crash tests: lines are
// read with a bounded wait, and the child is killed and reaped on scope
// exit whatever happens to the test.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

extern char** environ;

namespace vigil::test {

// A running child with its stdout on a pipe; killed and reaped on scope
// exit whatever happens to the test.
class child_process {
 public:
  explicit child_process(std::vector<std::string> args,
                         std::chrono::milliseconds patience = std::chrono::seconds{20})
      : patience_(patience) {
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
    const auto deadline = std::chrono::steady_clock::now() + patience_;
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
  std::chrono::milliseconds patience_;
  pid_t pid_ = 0;
  int out_ = -1;
  std::string buffer_;
};

}  // namespace vigil::test
