#pragma once

// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected; the checksum of
// iSCSI, ext4 and LevelDB). Debian ships no library for it, so it lives
// here: SSE4.2's crc32 instruction when the CPU has it, otherwise a
// slicing-by-8 table. Both give identical results; the choice is made once
// per process.
//
// Threading: pure functions, safe from any thread.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::crc32c {

/// The CRC32C of `data` followed by `n` bytes at `data`, where `crc` is the
/// CRC32C of the preceding bytes (0 for none): extend(value(a), b) ==
/// value(a + b).
[[nodiscard]] uint32_t extend(uint32_t crc, const void* data, size_t n) noexcept;

/// The CRC32C of `data`.
[[nodiscard]] inline uint32_t value(std::string_view data) noexcept {
  return extend(0, data.data(), data.size());
}

/// The table implementation `extend` falls back to without SSE4.2; public
/// so the two implementations can be checked against each other.
[[nodiscard]] uint32_t extend_portable(uint32_t crc, const void* data, size_t n) noexcept;

/// Whether `extend` uses the CPU's crc32 instruction in this process.
[[nodiscard]] bool hardware_accelerated() noexcept;

}  // namespace vigil::crc32c
