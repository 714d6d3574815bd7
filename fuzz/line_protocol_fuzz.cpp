// libFuzzer target: the line protocol decoder. The first byte picks the
// precision, the rest is the body. Every series it yields must have labels
// that pass labels::from unchanged (valid, sorted, unique names) and one
// sample; issues name a line within the body.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/wire/line_protocol.hpp"

using namespace vigil;
using namespace vigil::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto unit = precision(data[0] % 6);
  const std::string_view body{reinterpret_cast<const char*>(data) + 1, size - 1};
  auto batch = decode_line_protocol(body, unit, 1'700'000'000'000);
  for (const auto& s : batch.series) {
    auto checked = labels::from(s.ls.pairs());
    if (!checked || *checked != s.ls || s.samples.size() != 1 || s.ls.metric_name().empty())
      __builtin_trap();
  }
  const auto lines = std::size_t(std::count(body.begin(), body.end(), '\n')) + 1;
  for (const auto& issue : batch.issues)
    if (issue.line == 0 || issue.line > lines) __builtin_trap();
  if (batch.issues.size() > max_line_issues || batch.bad_lines < batch.issues.size())
    __builtin_trap();
  return 0;
}
