#include "storage/base/crc32c.hpp"

#include <catch2/catch.hpp>
#include <numeric>
#include <random>
#include <string>

using namespace vigil;

namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s += char(v);
  return s;
}

}  // namespace

TEST_CASE("crc32c matches the RFC 3720 test vectors", "[crc32c][wal]") {
  std::string zeros(32, '\0');
  std::string ones(32, '\xff');
  std::string ascending(32, '\0');
  std::iota(ascending.begin(), ascending.end(), char(0));
  std::string descending(ascending.rbegin(), ascending.rend());
  // An iSCSI SCSI Read (10) command PDU, RFC 3720 appendix B.4.
  std::string read_pdu =
      bytes({0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
             0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  REQUIRE(read_pdu.size() == 48);
  for (bool portable : {false, true}) {
    auto crc = [&](const std::string& s) {
      return portable ? crc32c::extend_portable(0, s.data(), s.size()) : crc32c::value(s);
    };
    INFO("portable " << portable);
    CHECK(crc(zeros) == 0x8a9136aau);
    CHECK(crc(ones) == 0x62a8ab43u);
    CHECK(crc(ascending) == 0x46dd794eu);
    CHECK(crc(descending) == 0x113fdb5cu);
    CHECK(crc(read_pdu) == 0xd9963a56u);
    CHECK(crc("123456789") == 0xe3069283u);
    CHECK(crc("") == 0u);
  }
}

TEST_CASE("crc32c extends across split points", "[crc32c][wal]") {
  std::string data = "hello, write-ahead log: records are checksummed";
  uint32_t whole = crc32c::value(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t first = crc32c::value(std::string_view(data).substr(0, split));
    CHECK(crc32c::extend(first, data.data() + split, data.size() - split) == whole);
  }
}

TEST_CASE("crc32c hardware and table implementations agree at every length and alignment",
          "[crc32c][wal]") {
  std::mt19937 rng(42);
  std::string buffer(1100, '\0');
  for (auto& c : buffer) c = char(rng());
  for (size_t align = 0; align < 8; ++align)
    for (size_t n = 0; n < 1024; n += (n < 64 ? 1 : 37)) {
      INFO("align " << align << " n " << n);
      const char* p = buffer.data() + align;
      REQUIRE(crc32c::extend(7, p, n) == crc32c::extend_portable(7, p, n));
    }
#if defined(__x86_64__)
  CHECK(crc32c::hardware_accelerated() == bool(__builtin_cpu_supports("sse4.2")));
#endif
}
