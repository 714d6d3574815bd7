// The auth section: inline tokens, token files and their checks.

#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "tests/config/test_util.hpp"

using namespace vigil::config;
using vigil::config::test::problems;
using vigil::config::test::temp_dir;
using vigil::config::test::valid;
using vigil::config::test::yaml;
using lines = std::vector<std::string>;

TEST_CASE("a token needs a name, a token or token_file, and roles", "[config][auth]") {
  CHECK(problems("auth:\n  tokens:\n    - {}\n") ==
        lines{"test.yaml:3:7: auth.tokens[0]: missing required field \"name\"",
              "test.yaml:3:7: auth.tokens[0]: missing required field \"roles\"",
              "test.yaml:3:7: auth.tokens[0]: missing required field \"token\" or \"token_file\""});
}

TEST_CASE("a token that is not a mapping is one error", "[config][auth]") {
  CHECK(problems("auth: {tokens: [abc]}") ==
        lines{"test.yaml:1:17: auth.tokens[0]: expected a mapping, got \"abc\""});
  CHECK(problems("auth: {tokens: abc}") ==
        lines{"test.yaml:1:16: auth.tokens: expected a list, got \"abc\""});
}

TEST_CASE("token and token_file exclude each other", "[config][auth]") {
  CHECK(problems("auth:\n  tokens:\n    - {name: a, token: x, token_file: f, roles: [read]}\n") ==
        lines{"test.yaml:3:39: auth.tokens[0].token_file: expected either \"token\" or "
              "\"token_file\", not both"});
}

TEST_CASE("roles are a non-empty list of read, write and admin", "[config][auth]") {
  auto c = valid("auth: {tokens: [{name: a, token: x, roles: [read, write, admin]}]}");
  CHECK(c.auth.tokens[0].roles == std::vector<role>{role::read, role::write, role::admin});
  CHECK(problems("auth: {tokens: [{name: a, token: x, roles: []}]}") ==
        lines{"test.yaml:1:44: auth.tokens[0].roles: expected a non-empty list of roles (read, "
              "write, admin)"});
  CHECK(problems("auth: {tokens: [{name: a, token: x, roles: [read, root, read]}]}") ==
        lines{"test.yaml:1:51: auth.tokens[0].roles[1]: expected one of read, write, admin, got "
              "\"root\"",
              "test.yaml:1:57: auth.tokens[0].roles[2]: duplicate role \"read\" (expected each "
              "role once)"});
  CHECK(problems("auth: {tokens: [{name: a, token: x, roles: read}]}") ==
        lines{"test.yaml:1:44: auth.tokens[0].roles: expected a list, got \"read\""});
}

TEST_CASE("token names and token values are unique and values are never printed",
          "[config][auth]") {
  auto found = problems(yaml(R"(
auth:
  tokens:
    - {name: a, token: hunter2, roles: [read]}
    - {name: a, token: other, roles: [read]}
    - {name: b, token: hunter2, roles: [read]}
)"));
  CHECK(found == lines{"test.yaml:4:14: auth.tokens[1].name: duplicate token name \"a\" (already "
                       "used by auth.tokens[0].name)",
                       "test.yaml:5:24: auth.tokens[2].token: duplicate token value (already used "
                       "by auth.tokens[0].token)"});
  for (const auto& line : found) CHECK(line.find("hunter2") == std::string::npos);
}

TEST_CASE("token_file is read relative to the config file and trimmed", "[config][auth]") {
  temp_dir dir;
  dir.write("secrets/grafana.token", "abc123 \n\n");
  auto absolute = dir.write("elsewhere/ops.token", "\tops-token\r\n");
  auto cfg = dir.write("conf/vigil.yaml",
                       "auth:\n  tokens:\n"
                       "    - name: grafana\n"
                       "      token_file: ../secrets/grafana.token\n"
                       "      roles: [read]\n"
                       "    - name: ops\n"
                       "      token_file: " +
                           absolute.string() +
                           "\n"
                           "      roles: [admin]\n");
  auto c = load_file(cfg.string());
  INFO((c ? std::string{} : c.error_value().message));
  REQUIRE(c);
  CHECK(c->auth.tokens[0].token == "abc123");
  CHECK(c->auth.tokens[1].token == "\tops-token");  // only trailing whitespace goes
}

TEST_CASE("a token file that is missing or empty is an error at token_file", "[config][auth]") {
  temp_dir dir;
  dir.write("blank.token", " \n");
  auto cfg =
      std::filesystem::path{dir / "vigil.yaml"};  // check_string resolves against its directory
  auto result = check_string(
      "auth:\n  tokens:\n"
      "    - {name: a, token_file: nope.token, roles: [read]}\n"
      "    - {name: b, token_file: blank.token, roles: [read]}\n",
      cfg.string());
  std::vector<std::string> found;
  for (const auto& d : result.diagnostics) found.push_back(to_string(d));
  auto dir_name = dir.path();
  CHECK(found == lines{cfg.string() + ":3:29: auth.tokens[0].token_file: cannot read \"" +
                           dir_name + "/nope.token\": No such file or directory",
                       cfg.string() + ":4:29: auth.tokens[1].token_file: token file \"" + dir_name +
                           "/blank.token\" is empty (expected the token)"});
}

TEST_CASE("two token files holding the same token are duplicates", "[config][auth]") {
  temp_dir dir;
  dir.write("one", "same\n");
  dir.write("two", "same");
  auto cfg = dir.write("vigil.yaml",
                       "auth:\n  tokens:\n"
                       "    - {name: a, token_file: one, roles: [read]}\n"
                       "    - {name: b, token_file: two, roles: [read]}\n");
  auto c = load_file(cfg.string());
  REQUIRE_FALSE(c);
  CHECK(c.error_value().message == cfg.string() +
                                       ":4:29: auth.tokens[1].token_file: duplicate token value "
                                       "(already used by auth.tokens[0].token_file)");
}
