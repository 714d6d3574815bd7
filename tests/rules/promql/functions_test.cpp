#include "rules/promql/functions.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace vigil::promql;

TEST_CASE("the function table holds Prometheus 3's functions, sorted", "[promql][functions]") {
  auto fns = all_functions();
  CHECK(fns.size() == 82);
  CHECK(std::is_sorted(fns.begin(), fns.end(),
                       [](const function& a, const function& b) { return a.name < b.name; }));
  CHECK(std::adjacent_find(fns.begin(), fns.end(), [](const function& a, const function& b) {
          return a.name == b.name;
        }) == fns.end());
  for (const auto& f : fns) {
    INFO(f.name);
    CHECK(find_function(f.name) == &f);
  }
  CHECK(find_function("nope") == nullptr);
  CHECK(find_function("Rate") == nullptr);
}

TEST_CASE("function descriptors give argument and return types", "[promql][functions]") {
  const function* rate = find_function("rate");
  REQUIRE(rate);
  CHECK(rate->arg_types == std::vector<value_type>{value_type::matrix});
  CHECK(rate->return_type == value_type::vector);
  CHECK_FALSE(rate->experimental);

  const function* join = find_function("label_join");
  CHECK(join->variadic == -1);
  CHECK(join->arg_types.size() == 4);

  const function* round = find_function("round");
  CHECK(round->variadic == 1);
  CHECK(find_function("time")->return_type == value_type::scalar);
  CHECK(find_function("scalar")->return_type == value_type::scalar);
  CHECK(find_function("histogram_fraction")->arg_types ==
        std::vector<value_type>{value_type::scalar, value_type::scalar, value_type::vector});
  CHECK(find_function("double_exponential_smoothing")->arg_types.size() == 3);
}

TEST_CASE("experimental functions are marked", "[promql][functions]") {
  for (const char* name : {"info", "sort_by_label", "sort_by_label_desc", "mad_over_time",
                           "double_exponential_smoothing", "first_over_time", "ts_of_max_over_time",
                           "ts_of_last_over_time"}) {
    INFO(name);
    CHECK(find_function(name)->experimental);
  }
  for (const char* name : {"rate", "histogram_quantile", "label_replace", "last_over_time"}) {
    INFO(name);
    CHECK_FALSE(find_function(name)->experimental);
  }
}

TEST_CASE("value types have internal and documented names", "[promql][functions]") {
  CHECK(to_string(value_type::matrix) == "matrix");
  CHECK(documented_name(value_type::matrix) == "range vector");
  CHECK(documented_name(value_type::vector) == "instant vector");
  CHECK(documented_name(value_type::string) == "string");
  CHECK(documented_name(value_type::none) == "none");
}
