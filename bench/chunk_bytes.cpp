// chunk_bytes: bytes per sample of vigil's chunk encodings on the dataset
// written by ../shared/tools/gen_dataset.py (its data.vm.jsonl), overall and
// per metric family, for several block lengths, with single-threaded encode
// and decode throughput. Every block is decoded again and compared bit for
// bit, so a run is also a round-trip test on realistic data.
//
//   chunk_bytes DATASET_DIR [--blocks 120,480,5760] [--jitter MS] [--every N]
//
// --jitter adds a deterministic ±MS scrape jitter to the timestamps (the
// generator's are exactly regular); --every N reads every Nth series only
// (pick N odd: the counter family alternates integer and float series).

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/dataset.hpp"
#include "storage/chunk/codec.hpp"
#include "storage/chunk/xor_chunk.hpp"

namespace {

using namespace vigil;
using decoded = std::optional<std::vector<sample>>;

/// One way of encoding a block, by name, and its decoder.
struct variant {
  std::string name;
  std::function<std::vector<uint8_t>(std::span<const sample>)> encode;
  std::function<decoded(std::span<const uint8_t>)> decode;
};

std::vector<uint8_t> gorilla_chunk(std::span<const sample> samples) {
  xor_appender app;
  for (const auto& s : samples)
    if (!app.append(s.t, s.v)) break;  // never: blocks are far below max_samples
  return {app.bytes().begin(), app.bytes().end()};
}

decoded read_gorilla_chunk(std::span<const uint8_t> bytes) {
  std::vector<sample> out;
  xor_iterator it{bytes};
  while (it.next()) out.push_back(it.at());
  if (it.err()) return std::nullopt;
  return out;
}

decoded read_block(std::span<const uint8_t> bytes) {
  auto out = decode_block(bytes);
  if (!out) return std::nullopt;
  return std::move(*out);
}

variant block_variant(std::string name, std::optional<value_codec> values,
                      std::optional<int_packing> packing, bool zstd) {
  encode_options o;
  o.values = values;
  o.packing = packing;
  o.zstd = zstd;
  return {std::move(name), [o](std::span<const sample> s) { return encode_block(s, o); },
          read_block};
}

constexpr size_t default_variant = 6;  // index of the default encoder below

std::vector<variant> variants() {
  using enum value_codec;
  return {
      {"gorilla head chunk (xor_chunk)", gorilla_chunk, read_gorilla_chunk},
      block_variant("block: gorilla values", gorilla, std::nullopt, false),
      block_variant("block: decimal, varint ints", decimal, int_packing::varint, false),
      block_variant("block: decimal, packed ints", decimal, int_packing::packed, false),
      block_variant("block: constant (if constant)", constant, std::nullopt, false),
      block_variant("block: chosen, no zstd", std::nullopt, std::nullopt, false),
      block_variant("block: chosen + zstd (default)", std::nullopt, std::nullopt, true),
      block_variant("block: varint ints + zstd", std::nullopt, int_packing::varint, true),
  };
}

/// Totals for one variant and block length.
struct tally {
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_family;  // bytes, samples
  std::map<std::string, std::map<int, uint64_t>> headers;          // family -> header -> blocks
  double encode_seconds = 0;
  double decode_seconds = 0;
  uint64_t mismatches = 0;
};

const std::map<std::string, std::string> family_names{
    {"x", "counters"}, {"h_bucket", "hist buckets"}, {"g", "gauges"}, {"k", "constants"}};
// gen_dataset.py's default mix, to compare with the peers' numbers on it.
const std::map<std::string, double> default_series{
    {"x", 10000}, {"h_bucket", 1100}, {"g", 1000}, {"k", 1000}};

struct options {
  std::string dir;
  std::vector<size_t> blocks{120, 480, 5760};
  int64_t jitter = 0;
  size_t every = 1;
};

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool more = i + 1 < argc;
    if (a == "--blocks" && more) {
      o.blocks.clear();
      const std::string list = argv[++i];
      for (size_t pos = 0; pos < list.size();) {
        const size_t comma = std::min(list.find(',', pos), list.size());
        o.blocks.push_back(std::stoul(list.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else if (a == "--jitter" && more) {
      o.jitter = std::stoll(argv[++i]);
    } else if (a == "--every" && more) {
      o.every = std::max<size_t>(1, std::stoul(argv[++i]));
    } else {
      o.dir = a;
    }
  }
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Encodes and decodes one block with every variant.
void measure(const std::string& family, std::span<const sample> part,
             const std::vector<variant>& vs, std::vector<tally>& ts) {
  for (size_t v = 0; v < vs.size(); ++v) {
    auto& t = ts[v];
    auto start = std::chrono::steady_clock::now();
    const auto bytes = vs[v].encode(part);
    t.encode_seconds += seconds_since(start);
    t.by_family[family].first += bytes.size();
    t.by_family[family].second += part.size();
    ++t.headers[family][bytes[0]];
    start = std::chrono::steady_clock::now();
    const auto back = vs[v].decode(bytes);
    t.decode_seconds += seconds_since(start);
    if (!back || !std::equal(back->begin(), back->end(), part.begin(), part.end())) ++t.mismatches;
  }
}

double rate(std::pair<uint64_t, uint64_t> p) {
  return p.second == 0 ? 0 : static_cast<double>(p.first) / static_cast<double>(p.second);
}

void print_row(const variant& v, const tally& t) {
  std::pair<uint64_t, uint64_t> all{0, 0};
  double mixed_bytes = 0, mixed_series = 0;
  for (const auto& [fam, p] : t.by_family) {
    all.first += p.first;
    all.second += p.second;
    if (auto d = default_series.find(fam); d != default_series.end() && p.second > 0) {
      mixed_bytes += rate(p) * d->second;
      mixed_series += d->second;
    }
  }
  std::printf("%-32s %7.3f %7.3f", v.name.c_str(), rate(all),
              mixed_series > 0 ? mixed_bytes / mixed_series : 0.0);
  for (const auto& [key, name] : family_names) {
    auto it = t.by_family.find(key);
    std::printf(" %12.3f", it == t.by_family.end() ? 0.0 : rate(it->second));
  }
  const auto samples = static_cast<double>(all.second);
  std::printf(" %8.2f %8.2f\n", samples / t.encode_seconds / 1e6, samples / t.decode_seconds / 1e6);
}

void print_table(size_t block, const std::vector<variant>& vs, const std::vector<tally>& ts) {
  std::printf("\nblocks of %zu samples: bytes/sample\n%-32s %7s %7s", block, "encoding", "overall",
              "default");
  for (const auto& [key, name] : family_names) std::printf(" %12s", name.c_str());
  std::printf(" %8s %8s\n", "enc M/s", "dec M/s");
  for (size_t i = 0; i < vs.size(); ++i) print_row(vs[i], ts[i]);
  std::printf("default encoder's choices (block header: codec, | 0x80 with zstd):");
  for (const auto& [fam, hs] : ts[default_variant].headers) {
    std::printf("\n  %-9s", fam.c_str());
    for (const auto& [h, count] : hs) std::printf(" 0x%02x:%llu", h, (unsigned long long)count);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_args(argc, argv);
  const auto vs = variants();
  std::map<size_t, std::vector<tally>> tallies;
  for (size_t b : opt.blocks) tallies[b].resize(vs.size());
  std::mt19937_64 rng{42};
  std::uniform_int_distribution<int64_t> jitter{-opt.jitter, opt.jitter};
  uint64_t series = 0;
  size_t index = 0;
  const bool read =
      bench::for_each_series(opt.dir, [&](const labels& ls, std::vector<sample>& samples) {
        if (index++ % opt.every != 0) return;
        for (auto& s : samples) s.t += jitter(rng);
        ++series;
        for (auto& [block, t] : tallies)
          for (size_t at = 0; block <= samples.size() && at < samples.size(); at += block)
            measure(std::string{ls.metric_name()},
                    std::span{samples}.subspan(at, std::min(block, samples.size() - at)), vs, t);
      });
  if (!read) {
    std::cerr << "usage: chunk_bytes DATASET_DIR [--blocks 120,480] [--jitter MS] [--every N]\n";
    return 2;
  }
  std::printf(
      "%llu series from %s, timestamp jitter ±%lld ms; 'default' weighs the families "
      "as gen_dataset.py's default mix (10000/1100/1000/1000 series)\n",
      (unsigned long long)series, opt.dir.c_str(), (long long)opt.jitter);
  uint64_t mismatches = 0;
  for (const auto& [block, ts] : tallies) {
    if (ts.front().by_family.empty()) continue;  // series shorter than the block
    print_table(block, vs, ts);
    for (const auto& t : ts) mismatches += t.mismatches;
  }
  std::printf("\nround-trip mismatches (decoded != input, bit for bit): %llu\n",
              (unsigned long long)mismatches);
  return mismatches == 0 ? 0 : 1;
}
