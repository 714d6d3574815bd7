// libFuzzer target: the exposition parsers. The first byte picks the
// format (even: Prometheus text 0.0.4, odd: OpenMetrics 1.0), the rest is
// the body; every entry's accessors are exercised, and the labels of a
// series must start with a non-empty __name__.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/wire/exposition_parser.hpp"

using namespace vigil::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto format =
      data[0] % 2 ? exposition_format::openmetrics : exposition_format::prometheus_text;
  exposition_parser parser{{reinterpret_cast<const char*>(data) + 1, size - 1}, format};
  label_buffer labels, exemplar_labels;
  for (;;) {
    auto entry = parser.next();
    if (!entry || *entry == entry_kind::eof) break;
    if (*entry != entry_kind::series) continue;
    parser.labels(labels);
    if (labels.empty() || labels[0].name != "__name__") __builtin_trap();
    (void)parser.exemplar(exemplar_labels);
    (void)parser.created();
  }
  return 0;
}
