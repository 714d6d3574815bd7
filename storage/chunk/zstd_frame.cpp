#include "storage/chunk/zstd_frame.hpp"

#include <zstd.h>

#include <memory>
#include <string>

namespace vigil::zstd {
namespace {

struct cctx_free {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct dctx_free {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Creating a context allocates its tables; blocks are small, so reuse one.
ZSTD_CCtx* cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, cctx_free> c{ZSTD_createCCtx()};
  return c.get();
}

ZSTD_DCtx* dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, dctx_free> d{ZSTD_createDCtx()};
  return d.get();
}

error corrupt(const std::string& what, size_t base) {
  return {errc::corruption, what + " in the zstd frame at block byte " + std::to_string(base)};
}

}  // namespace

std::vector<uint8_t> compress(std::span<const uint8_t> payload, int level) {
  ZSTD_CCtx* c = cctx();
  if (c == nullptr) return {};
  std::vector<uint8_t> out(ZSTD_compressBound(payload.size()));
  const size_t n =
      ZSTD_compressCCtx(c, out.data(), out.size(), payload.data(), payload.size(), level);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

expected<std::vector<uint8_t>> decompress(std::span<const uint8_t> frame, size_t max_size,
                                          size_t base) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) return corrupt("invalid or truncated header", base);
  if (size == ZSTD_CONTENTSIZE_UNKNOWN) return corrupt("no content size", base);
  if (size > max_size)
    return corrupt(
        "content size " + std::to_string(size) + " over the limit of " + std::to_string(max_size),
        base);
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size))
    return corrupt(std::string{"truncated frame ("} + ZSTD_getErrorName(frame_size) + ")", base);
  if (frame_size != frame.size())
    return corrupt("trailing bytes after the frame's " + std::to_string(frame_size), base);
  ZSTD_DCtx* d = dctx();
  if (d == nullptr) return error{errc::internal, "zstd: cannot allocate a decompression context"};
  std::vector<uint8_t> out(static_cast<size_t>(size));
  const size_t n = ZSTD_decompressDCtx(d, out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) return corrupt(std::string{"bad data ("} + ZSTD_getErrorName(n) + ")", base);
  if (n != out.size())
    return corrupt(
        "content of " + std::to_string(n) + " bytes, not the declared " + std::to_string(size),
        base);
  return out;
}

}  // namespace vigil::zstd
