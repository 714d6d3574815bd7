#pragma once

// Reads the dataset ../shared/tools/gen_dataset.py writes (its
// data.vm.jsonl: one series per line, VictoriaMetrics import JSON), so
// every benchmark and every peer works on the same data.

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/base/labels.hpp"
#include "storage/base/sample.hpp"

namespace vigil::bench {

/// Calls `fn(labels, samples)` for each series in `dir`/data.vm.jsonl, in
/// file order; returns false when the file cannot be read.
template <class Fn>
bool for_each_series(const std::string& dir, Fn&& fn) {
  std::ifstream in(dir + "/data.vm.jsonl");
  if (dir.empty() || !in) return false;
  std::string line;
  std::vector<sample> samples;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    std::vector<label> pairs;
    for (const auto& [name, value] : j["metric"].items()) pairs.push_back({name, value});
    const auto& ts = j["timestamps"];
    const auto& vals = j["values"];
    samples.resize(ts.size());
    for (size_t i = 0; i < samples.size(); ++i)
      samples[i] = {ts[i].get<int64_t>(), vals[i].get<double>()};
    fn(*labels::from(std::move(pairs)), samples);
  }
  return true;
}

}  // namespace vigil::bench
