// The OpenMetrics rules: the upstream parser conformance cases
// (../shared/conformance/openmetrics/parsers, read at test time), then the
// messages of rule violations.

#include "runtime/wire/openmetrics_rules.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "runtime/wire/exposition_parser.hpp"

using namespace vigil;
using namespace vigil::wire;

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Parses all of `body`, touching every accessor; the error if any.
std::optional<error> parse_all(std::string_view body) {
  exposition_parser parser{body, exposition_format::openmetrics};
  label_buffer labels, exemplar_labels;
  for (;;) {
    auto entry = parser.next();
    if (!entry) return entry.error_value();
    if (*entry == entry_kind::eof) return std::nullopt;
    if (*entry != entry_kind::series) continue;
    parser.labels(labels);
    (void)parser.exemplar(exemplar_labels);
    (void)parser.created();
  }
}

// The first error of an OpenMetrics body, or "" when it parses.
std::string om_error(std::string_view body) {
  auto e = parse_all(body);
  return e ? e->message : std::string{};
}

}  // namespace

TEST_CASE("every OpenMetrics conformance case parses or is rejected as expected",
          "[openmetrics][conformance]") {
  const char* source = std::getenv("VIGIL_SOURCE_DIR");
  INFO("VIGIL_SOURCE_DIR names the source tree (CTest sets it)");
  REQUIRE(source != nullptr);
  const auto root =
      std::filesystem::path{source} / ".." / "shared" / "conformance" / "openmetrics" / "parsers";
  REQUIRE(std::filesystem::is_directory(root));
  int passed = 0, failed = 0;
  for (const auto& dir : std::filesystem::directory_iterator{root}) {
    const auto name = dir.path().filename().string();
    const auto test = nlohmann::json::parse(read_file(dir.path() / "test.json"));
    const bool should_parse = test.at("shouldParse").get<bool>();
    const auto type = test.at("type").get<std::string>();
    std::optional<error> result;
    if (type == "text")
      result = parse_all(read_file(dir.path() / test.at("file").get<std::string>()));
    else
      result = error{errc::invalid_argument, "unsupported case type " + type};
    const bool ok = should_parse ? !result : result && result->code == errc::parse_error;
    ok ? ++passed : ++failed;
    INFO(name << " (shouldParse " << should_parse
              << "): " << (result ? result->message : std::string{"parsed"}));
    CHECK(ok);
  }
  std::cout << "OpenMetrics conformance: " << passed << " passed, " << failed << " failed\n";
  CHECK(passed + failed == 211);
}

TEST_CASE("a sample that does not fit its family says which names would", "[openmetrics]") {
  CHECK(om_error("# TYPE a counter\na 1\n# EOF\n") ==
        "line 2, column 1: sample \"a\" does not belong to counter \"a\" (its samples are "
        "a_total or a_created) near \"a 1\"");
}

TEST_CASE("families are unique, never interleaved, and never clash", "[openmetrics]") {
  CHECK(om_error("a 1\nb 1\na 2\n# EOF\n") ==
        "line 3, column 1: metric family \"a\" appears a second time (families must not "
        "interleave) near \"a 2\"");
  CHECK(om_error("# TYPE a counter\n# TYPE a_total gauge\n# EOF\n") ==
        "line 2, column 8: metric family \"a_total\" clashes with a sample name of an earlier "
        "family near \"# TYPE a_total gauge\"");
  CHECK(om_error("a_total 1\n# TYPE a counter\n# EOF\n") ==
        "line 2, column 1: counter \"a\" clashes with an earlier family over the sample name "
        "\"a_total\" near \"# TYPE a counter\"");
  CHECK(om_error("# TYPE a counter\n# HELP a x\n# UNIT a_s s\na_s 1\n# EOF\n").empty());
}

TEST_CASE("metadata comes once per family, before its samples", "[openmetrics]") {
  CHECK(om_error("# HELP a x\n# HELP a y\n# EOF\n") ==
        "line 2, column 1: a second # HELP line for \"a\" near \"# HELP a y\"");
  CHECK(om_error("# TYPE a gauge\na 1\n# UNIT a s\n# EOF\n") ==
        "line 3, column 1: # UNIT for \"a\" after its samples (metadata comes first) near "
        "\"# UNIT a s\"");
  CHECK(om_error("# UNIT a_bytes seconds\n# EOF\n") ==
        "line 1, column 16: the unit \"seconds\" must end the family name \"a_bytes\" after a '_' "
        "near \"...NIT a_bytes seconds\"");
  CHECK(om_error("# UNIT a_s s\n# TYPE a_s stateset\n# EOF\n") ==
        "line 2, column 1: an info or stateset family must not have a unit near "
        "\"# TYPE a_s stateset\"");
}
