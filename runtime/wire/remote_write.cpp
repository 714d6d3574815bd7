#include "runtime/wire/remote_write.hpp"

#include <google/protobuf/arena.h>
#include <snappy.h>

#include <climits>
#include <memory>
#include <optional>

#include "runtime/wire/line_context.hpp"
#include "runtime/wire/remote_write.pb.h"
#include "storage/base/utf8.hpp"

namespace vigil::wire {
namespace {

using google::protobuf::Arena;

// Arena blocks grow to this size: a 1,000-series request decodes into a few
// dozen blocks instead of hundreds of the default 8 KiB.
constexpr std::size_t arena_max_block = std::size_t{1} << 20;

std::string field(std::string_view name, int index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

// The validated, sorted labels of `ts`, or what is wrong with them.
expected<labels> decode_labels(const prompb::TimeSeries& ts) {
  std::vector<label> pairs;
  pairs.reserve(std::size_t(ts.labels_size()));
  bool named = false;
  for (int i = 0; i < ts.labels_size(); ++i) {
    const auto& l = ts.labels(i);
    if (!valid_label_name(l.name()))
      return error{errc::invalid_argument,
                   field("labels", i) + ".name: invalid label name " + quote(l.name())};
    if (!valid_utf8(l.value()))
      return error{errc::invalid_argument, field("labels", i) + ".value: invalid UTF-8"};
    named = named || (l.name() == metric_name_label && !l.value().empty());
    pairs.push_back({l.name(), l.value()});
  }
  if (!named) return error{errc::invalid_argument, "labels: no __name__ label"};
  auto result = labels::from(std::move(pairs));
  if (!result) return error{errc::invalid_argument, "labels: " + result.error_value().message};
  return result;
}

// The samples of `ts` in strictly increasing time order; a sample not after
// its predecessor is dropped and described in `problem`.
series_write::sample_list decode_samples(const prompb::TimeSeries& ts, std::string& problem) {
  series_write::sample_list out;
  out.reserve(std::size_t(ts.samples_size()));
  int dropped = 0;
  for (int i = 0; i < ts.samples_size(); ++i) {
    const auto& s = ts.samples(i);
    if (!out.empty() && s.timestamp() <= out.back().t) {
      if (dropped++ == 0)
        problem = field("samples", i) + ".timestamp: " + std::to_string(s.timestamp()) +
                  " is not after " + std::to_string(out.back().t);
      continue;
    }
    out.push_back({s.timestamp(), s.value()});
  }
  if (dropped > 0)
    problem += "; " + std::to_string(dropped) + " of " + std::to_string(ts.samples_size()) +
               " samples dropped";
  return out;
}

void add_issue(remote_write_batch& batch, std::size_t index, std::string code,
               std::string_view what) {
  batch.issues.push_back(
      {index, std::move(code), "series " + std::to_string(index) + ": " + std::string(what)});
}

// Validates and converts every series of `request` into `batch`.
void convert(const prompb::WriteRequest& request, remote_write_batch& batch) {
  batch.metadata = std::size_t(request.metadata_size());
  batch.series.reserve(std::size_t(request.timeseries_size()));
  for (int i = 0; i < request.timeseries_size(); ++i) {
    const auto& ts = request.timeseries(i);
    batch.exemplars += std::size_t(ts.exemplars_size());
    batch.histograms += std::size_t(ts.histograms_size());
    auto ls = decode_labels(ts);
    if (!ls) {
      add_issue(batch, std::size_t(i), "invalid_labels", ls.error_value().message);
      continue;
    }
    std::string problem;
    auto samples = decode_samples(ts, problem);
    if (!problem.empty()) add_issue(batch, std::size_t(i), "out_of_order", problem);
    if (!samples.empty()) batch.series.push_back({std::move(*ls), std::move(samples)});
  }
}

}  // namespace

expected<remote_write_batch> decode_remote_write(std::string_view body,
                                                 std::size_t max_uncompressed_bytes) {
  std::size_t length = 0;
  if (!snappy::GetUncompressedLength(body.data(), body.size(), &length))
    return error{errc::parse_error, "remote write body is not snappy-compressed (block format)"};
  // protobuf parses at most INT_MAX bytes at once.
  if (length > max_uncompressed_bytes || length > std::size_t(INT_MAX))
    return error{errc::limit_exceeded, "remote write body uncompresses to " +
                                           std::to_string(length) + " bytes, more than the " +
                                           std::to_string(max_uncompressed_bytes) + " allowed"};
  auto raw = std::make_unique_for_overwrite<char[]>(length);
  if (!snappy::RawUncompress(body.data(), body.size(), raw.get()))
    return error{errc::parse_error, "remote write body: corrupt snappy data"};

  google::protobuf::ArenaOptions options;
  options.max_block_size = arena_max_block;
  Arena arena{options};
  auto* request = Arena::CreateMessage<prompb::WriteRequest>(&arena);
  if (!request->ParseFromArray(raw.get(), int(length)))
    return error{errc::parse_error, "remote write body is not a protobuf WriteRequest"};
  remote_write_batch batch;
  convert(*request, batch);
  return batch;
}

std::string encode_remote_write(std::span<const series_write> series) {
  Arena arena;
  auto* request = Arena::CreateMessage<prompb::WriteRequest>(&arena);
  for (const auto& s : series) {
    auto* ts = request->add_timeseries();
    for (const auto& l : s.ls) {
      auto* out = ts->add_labels();
      out->set_name(l.name);
      out->set_value(l.value);
    }
    for (const auto& x : s.samples) {
      auto* out = ts->add_samples();
      out->set_value(x.v);
      out->set_timestamp(x.t);
    }
  }
  const std::string raw = request->SerializeAsString();
  std::string body;
  snappy::Compress(raw.data(), raw.size(), &body);
  return body;
}

}  // namespace vigil::wire
