// vigil-push: pushes samples written in the Prometheus text format to a
// vigil node over the msgpack push protocol (TCP, docs/protocol.md). See
// `vigil-push --help` and README.md.
//
// The whole input is parsed before anything is sent, so invalid input
// sends nothing. Writes are pipelined up to the server's max_inflight.

#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/cli.hpp"
#include "runtime/version.hpp"
#include "runtime/wire/exposition_parser.hpp"
#include "runtime/wire/push_client.hpp"

namespace {

using namespace vigil;
namespace push = wire::push;

// Exit codes, as --help lists them.
constexpr int exit_stored = 0;
constexpr int exit_refused = 1;
constexpr int exit_usage = 2;
constexpr int exit_input = 3;
constexpr int exit_connection = 4;

struct options {
  runtime::listen_address server;
  std::string token;
  std::string input = "-";
  std::size_t batch = 10000;
  std::chrono::milliseconds timeout{30000};
  bool help = false;
};

std::string usage() {
  return R"(usage: vigil-push --connect HOST:PORT [--token TOKEN | --token-file FILE]
                  [--batch SAMPLES] [--timeout SECONDS] [FILE | -]

Pushes the samples in FILE (or standard input, "-", the default) to a vigil
node's ingest port and waits until they are stored. The input is the
Prometheus text exposition format 0.0.4; a sample line without a timestamp
gets the current time:

  # TYPE http_requests_total counter
  http_requests_total{code="200",path="/"} 1027 1700000000000
  temp_celsius{room="lab"} 21.5

Samples go in writes of at most SAMPLES samples (default 10000), several
in flight at once. Every issue the node reports is printed, then a summary.

  --connect HOST:PORT   the node's ingest address (IPv6 in brackets)
  --token TOKEN         the API token (a token with the write role)
  --token-file FILE     read the token from FILE (surrounding blanks dropped)
  --batch SAMPLES       samples per write (default 10000)
  --timeout SECONDS     give up on a node that does not answer (default 30)

exit codes: 0 every sample stored; 1 the node refused some samples (see the
issues); 2 usage error; 3 the input cannot be read or is not valid; 4 no
connection, refused token, timeout or connection lost.
)";
}

std::string trimmed(std::string s) {
  const auto blank = " \t\r\n";
  s.erase(s.find_last_not_of(blank) + 1);
  s.erase(0, s.find_first_not_of(blank));
  return s;
}

expected<std::string> read_all(const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return error{errc::io_error, "cannot open " + path};
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return error{errc::io_error, "cannot read " + path};
  return text;
}

expected<std::size_t> positive(const std::string& flag, const std::string& value) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc{} || end != value.data() + value.size() || n == 0)
    return error{errc::invalid_argument, flag + " needs a positive number, got \"" + value + "\""};
  return n;
}

expected<options> parse_args(const std::vector<std::string>& args) {
  options o;
  bool connect = false;
  bool have_input = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      return o;
    }
    if (!a.starts_with("--") || a == "-") {
      if (have_input) return error{errc::invalid_argument, "more than one input: " + a};
      o.input = a;
      have_input = true;
      continue;
    }
    if (i + 1 == args.size()) return error{errc::invalid_argument, a + " needs a value"};
    const std::string& v = args[++i];
    if (a == "--connect") {
      auto address = runtime::parse_listen_address(v);
      if (!address) return address.error_value();
      o.server = *address;
      connect = true;
    } else if (a == "--token") {
      o.token = v;
    } else if (a == "--token-file") {
      auto text = read_all(v);
      if (!text)
        return error{errc::invalid_argument, "--token-file: " + text.error_value().message};
      o.token = trimmed(*text);
    } else if (a == "--batch" || a == "--timeout") {
      auto n = positive(a, v);
      if (!n) return n.error_value();
      if (a == "--batch")
        o.batch = *n;
      else
        o.timeout = std::chrono::seconds{*n};
    } else {
      return error{errc::invalid_argument, "unknown flag " + a};
    }
  }
  if (!connect) return error{errc::invalid_argument, "--connect HOST:PORT is required"};
  return o;
}

using batch = std::vector<series_write>;

// The input as writes of at most `max_samples` samples; a series repeated
// within a write becomes one series_write with all its samples.
expected<std::vector<batch>> parse_input(std::string_view text, std::size_t max_samples,
                                         timestamp now) {
  wire::exposition_parser parser{text, wire::exposition_format::prometheus_text};
  wire::label_buffer buffer;
  std::vector<batch> out(1);
  std::unordered_map<std::string_view, std::size_t> in_batch;  // series text -> index
  std::size_t samples = 0;
  for (;;) {
    auto entry = parser.next();
    if (!entry) return entry.error_value();
    if (*entry == wire::entry_kind::eof) break;
    if (*entry != wire::entry_kind::series) continue;
    if (samples == max_samples) {
      out.emplace_back();
      in_batch.clear();
      samples = 0;
    }
    auto [it, added] = in_batch.try_emplace(parser.series(), out.back().size());
    if (added) {
      parser.labels(buffer);
      std::vector<label> pairs;
      for (const auto& l : buffer) pairs.push_back({std::string(l.name), std::string(l.value)});
      auto ls = labels::from(std::move(pairs));
      if (!ls)
        return error{errc::parse_error,
                     std::string(parser.series()) + ": " + ls.error_value().message};
      out.back().push_back({std::move(*ls), {}});
    }
    out.back()[it->second].samples.push_back({parser.time().value_or(now), parser.value()});
    ++samples;
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

std::size_t sample_count(const batch& b) {
  std::size_t n = 0;
  for (const auto& s : b) n += s.samples.size();
  return n;
}

// Sends writes pipelined and reports their answers as they come.
class pusher {
 public:
  explicit pusher(push::client& c) : client_(c) {}

  std::optional<error> push(batch b) {
    // Answers first, so that this write can never wait behind them.
    while (client_.unanswered() >= client_.welcome().max_inflight)
      if (auto e = answer()) return e;
    auto seq = client_.write(b);
    if (!seq && seq.error_value().code == errc::limit_exceeded && b.size() > 1) {
      // Over max_message_bytes (long label sets): in halves.
      batch second(std::make_move_iterator(b.begin() + static_cast<std::ptrdiff_t>(b.size() / 2)),
                   std::make_move_iterator(b.end()));
      b.resize(b.size() / 2);
      if (auto e = push(std::move(b))) return e;
      return push(std::move(second));
    }
    if (!seq) return seq.error_value();
    sent_.push_back(std::move(b));
    ++writes_;
    return std::nullopt;
  }

  std::optional<error> finish() {
    while (client_.unanswered() > 0)
      if (auto e = answer()) return e;
    return std::nullopt;
  }

  void summary() const {
    std::printf("pushed %llu samples in %zu writes to %s: %llu stored, %llu not stored\n",
                static_cast<unsigned long long>(stored_ + refused_), writes_,
                client_.welcome().node.c_str(), static_cast<unsigned long long>(stored_),
                static_cast<unsigned long long>(refused_));
  }
  [[nodiscard]] bool all_stored() const { return refused_ == 0; }

 private:
  std::optional<error> answer() {
    auto a = client_.next_answer();
    if (!a) return a.error_value();
    const batch b = std::move(sent_.front());
    sent_.pop_front();
    const auto samples = sample_count(b);
    if (auto* e = std::get_if<push::error_msg>(&*a)) {
      std::printf("write %llu: error %s: %s\n", static_cast<unsigned long long>(e->seq.value_or(0)),
                  std::string(push::to_string(e->reason)).c_str(), e->message.c_str());
      refused_ += samples;
      return std::nullopt;
    }
    const auto& ack = std::get<push::ack_msg>(*a);
    for (const auto& issue : ack.issues)
      std::printf(
          "write %llu: %s: %s: %s\n", static_cast<unsigned long long>(ack.seq),
          issue.series_index < b.size() ? b[issue.series_index].ls.to_string().c_str() : "?",
          issue.code.c_str(), issue.message.c_str());
    stored_ += ack.accepted;
    refused_ += samples - std::min<uint64_t>(samples, ack.accepted);
    return std::nullopt;
  }

  push::client& client_;
  std::deque<batch> sent_;
  std::size_t writes_ = 0;
  uint64_t stored_ = 0;
  uint64_t refused_ = 0;
};

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "vigil-push: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  auto opts = parse_args({argv + 1, argv + argc});
  if (!opts) return fail(exit_usage, opts.error_value().message + " (see vigil-push --help)");
  if (opts->help) {
    std::fputs(usage().c_str(), stdout);
    return exit_stored;
  }
  auto text = read_all(opts->input);
  if (!text) return fail(exit_input, text.error_value().message);
  const auto now = wall_clock_now();
  auto batches = parse_input(*text, opts->batch, now);
  if (!batches)
    return fail(exit_input, (opts->input == "-" ? "stdin" : opts->input) + ": " +
                                batches.error_value().message);
  auto c = push::client::connect(opts->server.host, opts->server.port,
                                 {.token = opts->token,
                                  .client = std::string("vigil-push/") + vigil::version,
                                  .connect_timeout = std::min<std::chrono::milliseconds>(
                                      opts->timeout, std::chrono::seconds{10}),
                                  .timeout = opts->timeout});
  if (!c) return fail(exit_connection, c.error_value().message);
  pusher p{*c};
  std::optional<error> failure;
  for (auto& b : *batches)
    if ((failure = p.push(std::move(b)))) break;
  if (!failure) failure = p.finish();
  p.summary();
  if (failure) return fail(exit_connection, failure->message);
  return p.all_stored() ? exit_stored : exit_refused;
}
