// Decoding of the messages clients send: hello, write, ping
// (declared in push_decoder.hpp).

#include <algorithm>
#include <utility>

#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_msgpack.hpp"
#include "storage/base/utf8.hpp"

namespace vigil::wire::push {
namespace {

rejection reject(std::optional<uint64_t> seq, code reason, std::string message,
                 bool fatal = false) {
  return {{seq, reason, std::move(message)}, fatal};
}

rejection bad(std::optional<uint64_t> seq, std::string_view context, const error& e,
              bool fatal = false) {
  return reject(seq, code::bad_message, in(context, e).message, fatal);
}

// Every problem with a hello is a bad handshake: fatal.
from_client read_hello(msgpack_span parts) {
  auto version = unsigned_int(parts[1]);
  if (!version) return bad(std::nullopt, "hello: version", version.error_value(), true);
  if (*version != protocol_version)
    return reject(std::nullopt, code::unsupported_version,
                  "hello: version " + std::to_string(*version) + " is not supported (only " +
                      std::to_string(protocol_version) + ")",
                  true);
  if (parts[2].type != msgpack::type::MAP)
    return reject(std::nullopt, code::bad_message,
                  "hello: expected a map, got " + std::string(kind_of(parts[2])), true);
  hello_msg out;
  bool has_token = false;
  for (const auto& kv : std::span{parts[2].via.map.ptr, parts[2].via.map.size}) {
    auto key = text(kv.key);
    if (!key) return bad(std::nullopt, "hello: key", key.error_value(), true);
    std::string* field = *key == "token" ? &out.token : *key == "client" ? &out.client : nullptr;
    if (!field) continue;  // unknown keys are for later versions
    auto value = text(kv.val);
    if (!value) return bad(std::nullopt, "hello: " + std::string(*key), value.error_value(), true);
    *field = *value;
    has_token = has_token || field == &out.token;
  }
  if (!has_token) return reject(std::nullopt, code::bad_message, "hello: missing \"token\"", true);
  return out;
}

// The label map's shape; content is checked by check_labels.
expected<std::vector<label>> label_pairs(const msgpack::object& o) {
  if (o.type != msgpack::type::MAP)
    return error{errc::parse_error, "labels: expected a map, got " + std::string(kind_of(o))};
  std::vector<label> pairs;
  pairs.reserve(o.via.map.size);
  for (const auto& kv : std::span{o.via.map.ptr, o.via.map.size}) {
    auto name = raw_text(kv.key);
    if (!name) return in("labels: key " + std::to_string(pairs.size()), name.error_value());
    auto value = raw_text(kv.val);
    if (!value) return in("labels: value of " + quote_text(*name), value.error_value());
    pairs.push_back({std::string(*name), std::string(*value)});
  }
  return pairs;
}

// Label content: an error here skips the series, not the write.
expected<labels> check_labels(std::vector<label> pairs) {
  for (const auto& l : pairs) {
    if (!valid_utf8(l.name))
      return error{errc::invalid_argument, "a label name is not valid UTF-8"};
    if (!valid_utf8(l.value))
      return error{errc::invalid_argument,
                   "the value of " + quote_text(l.name) + " is not valid UTF-8"};
  }
  auto ls = labels::from(std::move(pairs));
  if (ls && ls->metric_name().empty()) return error{errc::invalid_argument, "missing __name__"};
  return ls;
}

expected<series_write::sample_list> read_samples(const msgpack::object& times,
                                           const msgpack::object& values) {
  auto ts = list(times);
  if (!ts) return in("timestamps", ts.error_value());
  auto vs = list(values);
  if (!vs) return in("values", vs.error_value());
  if (ts->size() != vs->size())
    return error{errc::parse_error, "timestamps has " + std::to_string(ts->size()) +
                                        " entries, values " + std::to_string(vs->size())};
  series_write::sample_list samples(ts->size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    auto t = signed_int((*ts)[i]);
    if (!t) return in("timestamps: entry " + std::to_string(i), t.error_value());
    auto v = number((*vs)[i]);
    if (!v) return in("values: entry " + std::to_string(i), v.error_value());
    samples[i] = {*t, *v};
  }
  return samples;
}

// The series_cache key of a label map: false when it holds anything but
// strings (the map is then read, and refused, by label_pairs).
bool cache_key(const msgpack::object& o, std::string& key) {
  key.clear();
  if (o.type != msgpack::type::MAP) return false;
  for (const auto& kv : std::span{o.via.map.ptr, o.via.map.size}) {
    if (kv.key.type != msgpack::type::STR || kv.val.type != msgpack::type::STR) return false;
    series_cache::append_key(key, {kv.key.via.str.ptr, kv.key.via.str.size});
    series_cache::append_key(key, {kv.val.via.str.ptr, kv.val.via.str.size});
  }
  return true;
}

// Decodes the writes of one message; with a cache, `key` is scratch space
// reused for every series.
struct write_reader {
  series_cache* cache = nullptr;
  std::string key;

  // One series of a write; an error is the write's (its shape).
  std::optional<error> read_series(const msgpack::object& o, std::size_t index, write_msg& out) {
    auto parts = tuple(o, 3);
    if (!parts) return parts.error_value();
    const bool keyed = cache && cache_key((*parts)[0], key);
    const auto known = keyed ? cache->find(key) : std::nullopt;
    // A known key is a label map already validated byte for byte.
    auto pairs = known ? std::vector<label>{} : label_pairs((*parts)[0]);
    if (!pairs) return pairs.error_value();
    auto samples = read_samples((*parts)[1], (*parts)[2]);
    if (!samples) return samples.error_value();
    if (known) {
      out.series.push_back({{}, std::move(*samples), known->ref, known->label_hash});
      out.positions.push_back(index);
      return std::nullopt;
    }
    auto ls = check_labels(std::move(*pairs));
    if (!ls) {
      out.issues.push_back({index, std::string(to_string(code::invalid_labels)),
                            "labels: " + ls.error_value().message});
      return std::nullopt;
    }
    if (keyed) out.uncached.push_back({out.series.size(), key, ls->hash()});
    out.series.push_back({std::move(*ls), std::move(*samples)});
    out.positions.push_back(index);
    return std::nullopt;
  }

  from_client operator()(msgpack_span parts);
};

from_client write_reader::operator()(msgpack_span parts) {
  auto seq = unsigned_int(parts[1]);
  if (!seq) return bad(std::nullopt, "write: seq", seq.error_value());
  const std::string context = "write " + std::to_string(*seq);
  auto series = list(parts[2]);
  if (!series) return bad(*seq, context + ": series", series.error_value());
  write_msg out;
  out.seq = *seq;
  out.series.reserve(series->size());
  out.positions.reserve(series->size());
  if (cache) out.uncached.reserve(series->size());
  for (std::size_t i = 0; i < series->size(); ++i)
    if (auto problem = read_series((*series)[i], i, out))
      return bad(*seq, context + ": series " + std::to_string(i), *problem);
  return out;
}

from_client read_ping(msgpack_span parts) {
  auto seq = unsigned_int(parts[1]);
  if (!seq) return bad(std::nullopt, "ping: seq", seq.error_value());
  return ping_msg{*seq};
}

from_client read_message_with(std::string_view frame, series_cache* cache) {
  msgpack::zone zone;
  auto root = unpack_message(frame, zone);
  if (!root) return bad(std::nullopt, "message", root.error_value(), true);
  using kind = message_kind<from_client>;
  return read_message<from_client>(*root,
                                   {kind{"write", 3, write_reader{cache, {}}},
                                    kind{"ping", 2, read_ping}, kind{"hello", 3, read_hello}},
                                   // Every problem with a hello is a bad handshake: fatal.
                                   [](std::string_view type, std::string message) -> from_client {
                                     return reject(std::nullopt, code::bad_message,
                                                   std::move(message), type == "hello");
                                   });
}

}  // namespace

from_client read_client_message(std::string_view frame) {
  return read_message_with(frame, nullptr);
}

from_client read_client_message(std::string_view frame, series_cache& cache) {
  return read_message_with(frame, &cache);
}

ack_msg make_ack(write_msg&& write, uint64_t accepted, std::vector<write_issue> stored) {
  ack_msg out{write.seq, accepted, std::move(write.issues)};
  out.issues.reserve(out.issues.size() + stored.size());
  for (auto& issue : stored) {
    issue.series_index = write.positions[issue.series_index];
    out.issues.push_back(std::move(issue));
  }
  std::stable_sort(out.issues.begin(), out.issues.end(),
                   [](const auto& a, const auto& b) { return a.series_index < b.series_index; });
  return out;
}

from_client decode_client_body(std::string_view body, std::size_t max_message_bytes) {
  client_stream stream{max_message_bytes};
  stream.feed(body);
  auto message = stream.next();
  if (!message)
    return reject(std::nullopt, code::bad_message,
                  "body holds an incomplete message of " + std::to_string(body.size()) + " bytes");
  if (std::holds_alternative<rejection>(*message)) return *message;
  if (stream.partial_bytes() != 0 || stream.next())
    return reject(std::nullopt, code::bad_message, "body holds bytes after its message");
  return *message;
}

}  // namespace vigil::wire::push
