#include "storage/index/label_index.hpp"

#include <catch2/catch.hpp>

using namespace vigil;
using namespace vigil::index;

namespace {

struct fixture {
  label_index idx;
  fixture() {
    add(1, {{"__name__", "up"}, {"job", "api"}, {"instance", "a"}});
    add(2, {{"__name__", "up"}, {"job", "db"}, {"instance", "b"}});
    add(3, {{"__name__", "up"}, {"instance", "c"}});
    add(4, {{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "200"}});
  }
  void add(series_ref ref, std::vector<label> ls) { idx.add(ref, *labels::from(std::move(ls))); }
  postings select(std::vector<std::tuple<const char*, match_op, const char*>> spec) {
    std::vector<matcher> ms;
    for (auto& [name, op, value] : spec) ms.push_back(*matcher::make(op, name, value));
    return idx.select(ms);
  }
};

using enum match_op;

}  // namespace

TEST_CASE_METHOD(fixture, "equality and inequality select by label pair", "[index]") {
  CHECK(select({{"__name__", equal, "up"}}) == postings{1, 2, 3});
  CHECK(select({{"__name__", equal, "up"}, {"job", equal, "api"}}) == postings{1});
  CHECK(select({{"job", equal, "nope"}}).empty());
  CHECK(select({{"nolabel", equal, "x"}}).empty());
}

TEST_CASE_METHOD(fixture, "matchers that accept the empty string include series without the label",
                 "[index]") {
  CHECK(select({{"__name__", equal, "up"}, {"job", not_equal, "api"}}) == postings{2, 3});
  CHECK(select({{"__name__", equal, "up"}, {"job", equal, ""}}) == postings{3});
  CHECK(select({{"__name__", equal, "up"}, {"job", not_equal, ""}}) == postings{1, 2});
  CHECK(select({{"job", not_regex, "a.*"}}) == postings{2, 3});
  CHECK(select({{"job", regex, "api|"}}) == postings{1, 3, 4});
  CHECK(select({{"nolabel", not_equal, "x"}}) == postings{1, 2, 3, 4});
  CHECK(select({{"nolabel", regex, ".*"}}) == postings{1, 2, 3, 4});
}

TEST_CASE_METHOD(fixture, "regex matchers scan values, literal sets look them up", "[index]") {
  CHECK(select({{"instance", regex, "a|c"}}) == postings{1, 3});
  CHECK(select({{"instance", regex, "[ab]"}}) == postings{1, 2});
  CHECK(select({{"__name__", regex, "http_.*"}}) == postings{4});
  CHECK(select({{"__name__", regex, ".+"}}) == postings{1, 2, 3, 4});
  CHECK(select({}) == postings{1, 2, 3, 4});
}

TEST_CASE_METHOD(fixture, "removed series leave the index and empty names disappear", "[index]") {
  idx.remove(4,
             *labels::from({{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "200"}}));
  CHECK(select({{"job", equal, "api"}}) == postings{1});
  CHECK(idx.label_names() == std::vector<std::string>{"__name__", "instance", "job"});
  CHECK(idx.label_values("__name__") == std::vector<std::string>{"up"});
  CHECK(idx.num_series() == 3);
  CHECK(idx.value_counts().at("instance") == 3);
}

TEST_CASE("postings set operations", "[index]") {
  postings a{1, 3, 5, 7}, b{3, 4, 5};
  CHECK(intersect(a, b) == postings{3, 5});
  CHECK(merge(a, b) == postings{1, 3, 4, 5, 7});
  CHECK(subtract(a, b) == postings{1, 7});
  CHECK(merge_all({a, b, postings{0}}) == postings{0, 1, 3, 4, 5, 7});
  CHECK(merge_all({}).empty());
}
