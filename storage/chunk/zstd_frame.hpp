#pragma once

// zstd on top of an encoded block payload: one frame that records its
// content size, so the reader can refuse an implausible size before it
// allocates. Contexts are cached per thread; the functions are safe to call
// from any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "storage/base/expected.hpp"

namespace vigil::zstd {

/// One zstd frame holding `payload`, at compression `level`; empty if zstd
/// fails (the caller then stores the payload uncompressed).
[[nodiscard]] std::vector<uint8_t> compress(std::span<const uint8_t> payload, int level);

/// The content of `frame`, which must be exactly one frame declaring at
/// most `max_size` bytes. Errors are `errc::corruption` naming `base`, the
/// frame's offset in its block.
[[nodiscard]] expected<std::vector<uint8_t>> decompress(std::span<const uint8_t> frame,
                                                        size_t max_size, size_t base);

}  // namespace vigil::zstd
