// libFuzzer entry point for the push protocol decoders
// (runtime/wire/push_decoder.hpp): the input is cut into chunks whose
// sizes come from its first byte, fed to a client_stream and a
// server_stream, and every decoded write is re-encoded and decoded again,
// which must give the same write. Checks: no crash, no sanitizer report,
// no unbounded buffering (partial bytes never exceed the limit).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "runtime/wire/push_decoder.hpp"
#include "runtime/wire/push_encoder.hpp"

namespace {

using namespace vigil::wire::push;

constexpr std::size_t max_bytes = 4096;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_round_trip(const write_msg& w) {
  std::string bytes;
  encode(w, bytes);
  auto again = read_client_message(bytes);
  const auto* w2 = std::get_if<write_msg>(&again);
  check(w2 && w2->seq == w.seq && w2->series.size() == w.series.size());
  for (std::size_t i = 0; i < w.series.size(); ++i)
    check(w2->series[i].ls == w.series[i].ls && w2->series[i].samples == w.series[i].samples);
}

template <class Stream, class Visit>
void feed_in_chunks(std::string_view input, std::size_t chunk, Visit visit) {
  Stream stream{max_bytes};
  for (std::size_t at = 0; at < input.size(); at += chunk) {
    stream.feed(input.substr(at, chunk));
    check(stream.partial_bytes() <= max_bytes + 1);
    while (auto m = stream.next()) visit(*m);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::string_view input{reinterpret_cast<const char*>(data) + 1, size - 1};
  feed_in_chunks<client_stream>(input, chunk, [](const from_client& m) {
    if (const auto* w = std::get_if<write_msg>(&m)) check_round_trip(*w);
  });
  feed_in_chunks<server_stream>(input, chunk, [](const from_server&) {});
  (void)decode_client_body(input, max_bytes);
  return 0;
}
