#include "scrape/relabel.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>

#include "tests/scrape/rule_builder.hpp"

// Expected values marked "Prometheus" come from Prometheus 2.42's
// model/relabel/relabel_test.go.

using namespace vigil;
using namespace vigil::scrape;
using test::re;
using test::rule;
using enum relabel_action;

namespace {

using label_list = std::vector<label>;

// The relabelled set sorted by name, or nullopt when it was dropped.
std::optional<label_list> run(label_list in, const std::vector<relabel_rule>& rules) {
  if (!relabel(in, rules)) return std::nullopt;
  std::sort(in.begin(), in.end());
  return in;
}

std::optional<label_list> sorted(label_list ls) {
  std::sort(ls.begin(), ls.end());
  return ls;
}

std::string value_of(const std::optional<label_list>& ls, std::string_view name) {
  REQUIRE(ls);
  for (const auto& l : *ls)
    if (l.name == name) return l.value;
  return {};
}

// hashmod with the largest modulus exposes the hash itself.
uint64_t hash_of(std::string value) {
  auto out = run({{"a", std::move(value)}}, {rule()
                                                 .source_labels({"a"})
                                                 .target_label("h")
                                                 .modulus(std::numeric_limits<uint64_t>::max())
                                                 .action(hashmod)});
  return std::stoull(value_of(out, "h"));
}

}  // namespace

TEST_CASE("replace writes the expanded replacement into target_label", "[relabel]") {
  auto out = run({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}}, {rule()
                                                                  .source_labels({"a"})
                                                                  .regex(re("f(.*)"))
                                                                  .target_label("d")
                                                                  .replacement("ch${1}-ch${1}")});
  CHECK(out == sorted({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "choo-choo"}}));
}

TEST_CASE("each rule sees the labels earlier rules wrote", "[relabel]") {
  // Prometheus: boobam, then boooom from the rewritten a.
  auto out = run({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}}, {rule()
                                                                  .source_labels({"a", "b"})
                                                                  .regex(re("f(.*);(.*)r"))
                                                                  .target_label("a")
                                                                  .replacement("b${1}${2}m"),
                                                              rule()
                                                                  .source_labels({"c", "a"})
                                                                  .regex(re("(b).*b(.*)ba(.*)"))
                                                                  .target_label("d")
                                                                  .replacement("$1$2$2$3")});
  CHECK(out == sorted({{"a", "boobam"}, {"b", "bar"}, {"c", "baz"}, {"d", "boooom"}}));
}

TEST_CASE("replace with default fields copies a source label", "[relabel]") {
  auto out = run({{"a", "abc"}}, {rule().source_labels({"a"}).target_label("d")});
  CHECK(out == sorted({{"a", "abc"}, {"d", "abc"}}));
  out = run({{"a", "abc"}}, {rule().source_labels({"a"}).regex(re(".*(b).*")).target_label("d")});
  CHECK(out == sorted({{"a", "abc"}, {"d", "b"}}));
}

TEST_CASE("replace changes nothing when the regex does not match", "[relabel]") {
  auto out = run({{"a", "boo"}},
                 {rule().source_labels({"a"}).regex(re("f")).target_label("b").replacement("bar")});
  CHECK(out == sorted({{"a", "boo"}}));
}

TEST_CASE("replace deletes target_label when the replacement expands to nothing", "[relabel]") {
  auto out = run({{"a", "x"}, {"t", "old"}},
                 {rule().source_labels({"a"}).target_label("t").replacement("${2}")});
  CHECK(out == sorted({{"a", "x"}}));
}

TEST_CASE("replace deletes the unexpanded target_label, as Prometheus does", "[relabel]") {
  // The expansion would be "name", but Prometheus deletes "${1}" literally.
  auto out =
      run({{"a", "some-name-value"}, {"name", "old"}}, {rule()
                                                            .source_labels({"a"})
                                                            .regex(re("some-([^-]+)-([^,]+)"))
                                                            .target_label("${1}")
                                                            .replacement("${3}")});
  CHECK(out == sorted({{"a", "some-name-value"}, {"name", "old"}}));
}

TEST_CASE("replace expands target_label and skips invalid label names", "[relabel]") {
  const auto rx = re("some-([^-]+)-([^,]+)");
  auto out = run({{"a", "some-name-value"}},
                 {rule().source_labels({"a"}).regex(rx).target_label("${1}").replacement("${2}")});
  CHECK(out == sorted({{"a", "some-name-value"}, {"name", "value"}}));
  // Prometheus: invalid target labels.
  for (std::string target : {"${3}", "0${3}", "-${3}"}) {
    out = run({{"a", "some-name-value"}},
              {rule().source_labels({"a"}).regex(rx).target_label(target).replacement("${1}")});
    CHECK(out == sorted({{"a", "some-name-value"}}));
  }
}

TEST_CASE("missing source labels read as empty between separators", "[relabel]") {
  auto out = run({{"a", "x"}, {"c", "z"}},
                 {rule().source_labels({"a", "b", "c"}).separator("/").target_label("joined")});
  CHECK(out == sorted({{"a", "x"}, {"c", "z"}, {"joined", "x//z"}}));
}

TEST_CASE("a service-discovery rewrite sets path, job and a tag label", "[relabel]") {
  // Prometheus's "more complex real-life like usecase".
  const std::vector<std::string> tags{"__meta_sd_tags"};
  auto out = run({{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"}},
                 {rule()
                      .source_labels(tags)
                      .regex(re("(?:.+,|^)path:(/[^,]+).*"))
                      .target_label("__metrics_path__")
                      .replacement("${1}"),
                  rule()
                      .source_labels(tags)
                      .regex(re("(?:.+,|^)job:([^,]+).*"))
                      .target_label("job")
                      .replacement("${1}"),
                  rule()
                      .source_labels(tags)
                      .regex(re("(?:.+,|^)label:([^=]+)=([^,]+).*"))
                      .target_label("${1}")
                      .replacement("${2}")});
  CHECK(out == sorted({{"__meta_sd_tags", "path:/secret,job:some-job,label:foo=bar"},
                       {"__metrics_path__", "/secret"},
                       {"job", "some-job"},
                       {"foo", "bar"}}));
}

TEST_CASE("replace can rewrite an address's port from an annotation", "[relabel]") {
  auto out = run({{"__address__", "10.1.2.3:80"}, {"port", "9100"}},
                 {rule()
                      .source_labels({"__address__", "port"})
                      .regex(re(R"((.+?)(\:\d+)?;(\d+))"))
                      .target_label("__address__")
                      .replacement("$1:$3")});
  CHECK(out == sorted({{"__address__", "10.1.2.3:9100"}, {"port", "9100"}}));
}

TEST_CASE("replacement templates expand as Go's regexp.Expand does", "[relabel]") {
  auto expand = [](std::string replacement) {
    return value_of(run({{"a", "foo-bar"}}, {rule()
                                                 .source_labels({"a"})
                                                 .regex(re("(?P<first>[a-z]+)-(?P<second>[a-z]+)"))
                                                 .target_label("t")
                                                 .replacement(std::move(replacement))}),
                    "t");
  };
  CHECK(expand("$1") == "foo");
  CHECK(expand("${2}") == "bar");
  CHECK(expand("${0}") == "foo-bar");
  CHECK(expand("$first") == "foo");
  CHECK(expand("${second}!") == "bar!");
  CHECK(expand("$$1") == "$1");
  CHECK(expand("$1x") == "");  // the name is "1x": no such group
  CHECK(expand("${1}x") == "foox");
  CHECK(expand("$01") == "");           // a leading zero makes it a name
  CHECK(expand("$9") == "");            // past the last group
  CHECK(expand("$nope-") == "-");       // unknown name
  CHECK(expand("cost $") == "cost $");  // malformed references stay literal
  CHECK(expand("${1") == "${1");
  CHECK(expand("$-") == "$-");
  CHECK(expand("a.$2.b") == "a.bar.b");
}

TEST_CASE("regexes are anchored at both ends", "[relabel]") {
  // Prometheus: "f|o" does not drop "foo".
  CHECK(run({{"a", "foo"}}, {rule().source_labels({"a"}).regex(re("f|o")).action(drop)}) ==
        sorted({{"a", "foo"}}));
  CHECK_FALSE(run({{"a", "foo"}}, {rule().source_labels({"a"}).regex(re("o")).action(keep)}));
  CHECK(re("f|o").pattern() == "f|o");
}

TEST_CASE("a dot does not match a newline, as in Prometheus 2.42", "[relabel]") {
  CHECK_FALSE(
      run({{"a", "foo\nbar"}}, {rule().source_labels({"a"}).regex(re("foo.*")).action(keep)}));
  CHECK(
      run({{"a", "foo\nbar"}}, {rule().source_labels({"a"}).regex(re("(?s)foo.*")).action(keep)}));
}

TEST_CASE("keep keeps only sets whose joined value matches", "[relabel]") {
  CHECK(run({{"a", "foo"}}, {rule().source_labels({"a"}).regex(re("f.*")).action(keep)}) ==
        sorted({{"a", "foo"}}));
  CHECK_FALSE(
      run({{"a", "foo"}}, {rule().source_labels({"a"}).regex(re("no-match")).action(keep)}));
  // A missing label reads as "", which the default `(.*)` matches.
  CHECK(run({{"a", "foo"}}, {rule().source_labels({"b"}).action(keep)}));
}

TEST_CASE("drop drops matching sets and stops later rules", "[relabel]") {
  CHECK_FALSE(run({{"a", "foo"}, {"b", "bar"}},
                  {rule().source_labels({"a"}).regex(re(".*o.*")).action(drop),
                   rule().source_labels({"a"}).target_label("d")}));
  CHECK(run({{"a", "foo"}}, {rule().source_labels({"a"}).regex(re("no-match")).action(drop)}) ==
        sorted({{"a", "foo"}}));
}

TEST_CASE("keepequal and dropequal compare the joined value with target_label", "[relabel]") {
  // Prometheus's __tmp_port cases.
  const label_list in{{"__tmp_port", "1234"}, {"__port1", "1234"}, {"__port2", "5678"}};
  auto compare = [](relabel_action a, std::string target) -> relabel_rule {
    return rule().source_labels({"__tmp_port"}).target_label(std::move(target)).action(a);
  };
  CHECK(run(in, {compare(keepequal, "__port1")}) == sorted(in));
  CHECK_FALSE(run(in, {compare(keepequal, "__port2")}));
  CHECK_FALSE(run(in, {compare(dropequal, "__port1")}));
  CHECK(run(in, {compare(dropequal, "__port2")}) == sorted(in));
  // A missing target label reads as "", like a missing source.
  CHECK(run({{"a", "x"}}, {rule().source_labels({"b"}).target_label("c").action(keepequal)}));
}

TEST_CASE("hashmod puts a value in Prometheus's bucket", "[relabel]") {
  auto out = run({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}},
                 {rule().source_labels({"c"}).target_label("d").modulus(1000).action(hashmod)});
  CHECK(out == sorted({{"a", "foo"}, {"b", "bar"}, {"c", "baz"}, {"d", "976"}}));
  out = run({{"a", "foo\nbar"}},
            {rule().source_labels({"a"}).target_label("b").modulus(1000).action(hashmod)});
  CHECK(out == sorted({{"a", "foo\nbar"}, {"b", "734"}}));
}

TEST_CASE("hashmod hashes with the last 8 bytes of MD5, big-endian", "[relabel]") {
  // md5("abc") = 900150983cd24fb0 d6963f7d28e17f72; the others cover empty
  // input, padding into a second block (56 bytes) and several blocks.
  CHECK(hash_of("abc") == 0xd6963f7d28e17f72);
  CHECK(hash_of("") == 16825458760271544958u);
  CHECK(hash_of(std::string(56, 'y')) == 16147408753369281508u);
  CHECK(hash_of(std::string(200, 'x')) == 16131141350317198456u);
}

TEST_CASE("hashmod with a zero modulus leaves the set alone instead of dividing by zero",
          "[relabel]") {
  CHECK(run({{"a", "x"}}, {rule().source_labels({"a"}).target_label("h").action(hashmod)}) ==
        sorted({{"a", "x"}}));
}

TEST_CASE("labelmap copies values of matching label names under new names", "[relabel]") {
  auto out = run({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}},
                 {rule().regex(re("(b.*)")).replacement("bar_${1}").action(labelmap)});
  CHECK(out ==
        sorted({{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}, {"bar_b1", "bar"}, {"bar_b2", "baz"}}));
  out = run(
      {{"a", "foo"}, {"__meta_my_bar", "aaa"}, {"__meta_my_baz", "bbb"}, {"__meta_other", "ccc"}},
      {rule().regex(re("__meta_(my.*)")).replacement("${1}").action(labelmap)});
  CHECK(out == sorted({{"a", "foo"},
                       {"__meta_my_bar", "aaa"},
                       {"__meta_my_baz", "bbb"},
                       {"__meta_other", "ccc"},
                       {"my_bar", "aaa"},
                       {"my_baz", "bbb"}}));
}

TEST_CASE("labelmap overwrites existing labels, the last name in order winning", "[relabel]") {
  // Input order must not matter: Prometheus visits names sorted.
  auto out = run({{"__meta_y_env", "second"}, {"env", "old"}, {"__meta_x_env", "first"}},
                 {rule().regex(re("__meta_[a-z]_(.*)")).action(labelmap)});
  CHECK(out == sorted({{"__meta_x_env", "first"}, {"__meta_y_env", "second"}, {"env", "second"}}));
}

TEST_CASE("labeldrop and labelkeep select labels by name", "[relabel]") {
  const label_list in{{"a", "foo"}, {"b1", "bar"}, {"b2", "baz"}};
  CHECK(run(in, {rule().regex(re("(b.*)")).action(labelkeep)}) ==
        sorted({{"b1", "bar"}, {"b2", "baz"}}));
  CHECK(run(in, {rule().regex(re("(b.*)")).action(labeldrop)}) == sorted({{"a", "foo"}}));
  // Anchored: "b" alone matches no name here.
  CHECK(run(in, {rule().regex(re("b")).action(labeldrop)}) == sorted(in));
}

TEST_CASE("lowercase and uppercase write the converted joined value", "[relabel]") {
  auto out = run({{"foo", "bAr123Foo"}},
                 {rule().source_labels({"foo"}).target_label("foo_uppercase").action(uppercase),
                  rule().source_labels({"foo"}).target_label("foo_lowercase").action(lowercase)});
  CHECK(out == sorted({{"foo", "bAr123Foo"},
                       {"foo_lowercase", "bar123foo"},
                       {"foo_uppercase", "BAR123FOO"}}));
  // An empty result deletes the target.
  out = run({{"t", "x"}}, {rule().source_labels({"none"}).target_label("t").action(lowercase)});
  CHECK(out == sorted({}));
}

TEST_CASE("relabel removes labels with empty values", "[relabel]") {
  CHECK(run({{"a", ""}, {"b", "1"}}, {}) == sorted({{"b", "1"}}));
}

TEST_CASE("actions are spelt as in YAML and parsed case-insensitively", "[relabel]") {
  for (int i = 0; i <= static_cast<int>(uppercase); ++i) {
    auto a = static_cast<relabel_action>(i);
    CHECK(parse_relabel_action(to_string(a)) == a);
  }
  CHECK(to_string(keepequal) == "keepequal");
  CHECK(parse_relabel_action("LabelDrop") == labeldrop);
  CHECK_FALSE(parse_relabel_action("label_drop"));
  CHECK_FALSE(parse_relabel_action(""));
}

TEST_CASE("a regex that does not compile is an error naming the pattern", "[relabel]") {
  auto r = relabel_regex::compile("a(b");
  REQUIRE_FALSE(r);
  CHECK(r.error_value().code == errc::invalid_argument);
  CHECK_THAT(r.error_value().message, Catch::StartsWith("invalid regex \"a(b\": "));
  CHECK(relabel_regex{}.pattern() == "(.*)");
}

TEST_CASE("check accepts valid rules", "[relabel]") {
  CHECK_FALSE(check(rule().source_labels({"a"}).target_label("b")));
  CHECK_FALSE(check(rule().source_labels({"a"}).target_label("${1}_x")));
  CHECK_FALSE(check(rule().source_labels({"a"}).regex(re("x")).action(drop)));
  CHECK_FALSE(check(rule().source_labels({"a"}).target_label("h").modulus(8).action(hashmod)));
  CHECK_FALSE(check(rule().regex(re("__meta_(.*)")).action(labelmap)));
  CHECK_FALSE(check(rule().regex(re("tmp_.*")).action(labeldrop)));
  CHECK_FALSE(check(rule().source_labels({"a"}).target_label("b").action(keepequal)));
}

TEST_CASE("check reports Prometheus's messages for bad combinations", "[relabel]") {
  CHECK(check(rule().target_label("h").action(hashmod)) ==
        "relabel configuration for hashmod requires non-zero modulus");
  CHECK(check(rule().source_labels({"a"})) ==
        "relabel configuration for replace action requires 'target_label' value");
  CHECK(check(rule().modulus(4).action(hashmod)) ==
        "relabel configuration for hashmod action requires 'target_label' value");
  CHECK(check(rule().action(uppercase)) ==
        "relabel configuration for uppercase action requires 'target_label' value");
  CHECK(check(rule().target_label("-x")) == "\"-x\" is invalid 'target_label' for replace action");
  CHECK(check(rule().target_label("x-").action(dropequal)) ==
        "\"x-\" is invalid 'target_label' for dropequal action");
  CHECK(check(rule().target_label("x").replacement("y").action(lowercase)) ==
        "'replacement' can not be set for lowercase action");
  CHECK(check(rule().replacement("a-b").action(labelmap)) ==
        "\"a-b\" is invalid 'replacement' for labelmap action");
  CHECK(check(rule().target_label("${1}").modulus(4).action(hashmod)) ==
        "\"${1}\" is invalid 'target_label' for hashmod action");
  CHECK(check(rule().regex(re("x")).target_label("t").action(keepequal)) ==
        "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  CHECK(check(rule().separator(",").target_label("t").action(dropequal)) ==
        "dropequal action requires only 'source_labels' and `target_label`, and no other fields");
  CHECK(check(rule().source_labels({"a"}).action(labeldrop)) ==
        "labeldrop action requires only 'regex', and no other fields");
  CHECK(check(rule().target_label("t").action(labelkeep)) ==
        "labelkeep action requires only 'regex', and no other fields");
  CHECK(check(rule().replacement("x").action(labelkeep)) ==
        "labelkeep action requires only 'regex', and no other fields");
}

TEST_CASE("check validates target_label templates as Prometheus does", "[relabel]") {
  // Prometheus's TestTargetLabelValidity.
  const std::pair<const char*, bool> cases[] = {
      {"-label", false}, {"label", true},        {"label${1}", true}, {"${1}label", true},
      {"${1}", true},    {"${", false},          {"$", false},        {"${}", false},
      {"foo${", false},  {"$1", true},           {"asd$2asd", true},  {"-foo${1}bar-", false},
      {"_${1}_", true},  {"foo${bar}foo", true},
  };
  for (const auto& [target, valid] : cases) {
    INFO(target);
    CHECK(check(rule().source_labels({"a"}).target_label(target)).has_value() == !valid);
  }
}
