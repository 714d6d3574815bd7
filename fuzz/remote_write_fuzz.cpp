// libFuzzer target: the remote write decoder. The first byte picks what
// the rest is: even, a request body as sent (snappy); odd, an uncompressed
// WriteRequest that is snappy-compressed here first, so mutations reach the
// protobuf decoding. Whatever decodes must survive an encode/decode round
// trip unchanged.

#include <snappy.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/wire/remote_write.hpp"

using namespace vigil::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body{reinterpret_cast<const char*>(data) + 1, size - 1};
  if (data[0] % 2) {
    std::string compressed;
    snappy::Compress(body.data(), body.size(), &compressed);
    body = std::move(compressed);
  }
  auto batch = decode_remote_write(body, 1 << 20);
  if (!batch) return 0;
  auto again = decode_remote_write(encode_remote_write(batch->series), 1 << 22);
  if (!again || !again->issues.empty() || again->series.size() != batch->series.size())
    __builtin_trap();
  for (std::size_t i = 0; i < batch->series.size(); ++i)
    if (again->series[i].ls != batch->series[i].ls ||
        again->series[i].samples != batch->series[i].samples)
      __builtin_trap();
  return 0;
}
