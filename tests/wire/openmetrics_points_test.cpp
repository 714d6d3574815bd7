// The rules about the samples of a family, one message each.

#include "runtime/wire/openmetrics_points.hpp"

#include <catch2/catch.hpp>

#include "tests/wire/parse_helpers.hpp"

using namespace vigil::wire;
using namespace vigil::wire::test;

namespace {

std::string om_error(const std::string& body) {
  return parse_om(body + "# EOF\n").error;
}

}  // namespace

TEST_CASE("a metric's samples are consecutive with timestamps going forward", "[openmetrics]") {
  CHECK(om_error("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 1\na{x=\"1\"} 2\n") ==
        "line 4, column 1: the samples of metric \"a{x=\\\"1\\\"}\" are not consecutive (metrics "
        "must not interleave) near \"a{x=\\\"1\\\"} 2\"");
  CHECK(om_error("a{x=\"1\",y=\"2\"} 1 5\na{y=\"2\",x=\"1\"} 1 4\n") ==
        "line 2, column 18: timestamp before the metric's previous one near "
        "\"...2\\\",x=\\\"1\\\"} 1 4\"");
  CHECK(om_error("a 1 5\na 1\n") ==
        "line 2, column 4: a metric's samples must all have timestamps or none near \"a 1\"");
  CHECK(om_error("a 1 5\na 2 5\na 3 6\n").empty());
}

TEST_CASE("histogram metric points are checked once complete", "[openmetrics]") {
  const std::string h = "# TYPE h histogram\n";
  CHECK(om_error(h + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n") ==
        "line 3, column 14: buckets must be sorted by le, without repeats near "
        "\"..._bucket{le=\\\"1\\\"} 1\"");
  CHECK(om_error(h + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n") ==
        "line 3, column 21: bucket value below the previous bucket's (buckets are cumulative) near "
        "\"...{le=\\\"+Inf\\\"} 1\"");
  CHECK(om_error(h + "h_bucket{le=\"1\"} 2\n") ==
        "line 2, column 1: histogram \"h\": metric point without an le=\"+Inf\" bucket near "
        "\"h_bucket{le=\\\"1\\\"} 2\"");
  CHECK(om_error(h + "h_bucket{le=\"+Inf\"} 2\nh_count 3\nh_sum 1\n") ==
        "line 2, column 1: histogram \"h\": _count 3 differs from the +Inf bucket's 2 near "
        "\"h_bucket{le=\\\"+Inf\\\"} 2\"");
  CHECK(om_error(h + "h_bucket{le=\"+Inf\"} 1.5\n") ==
        "line 2, column 21: bucket and count values must be non-negative integers near "
        "\"...{le=\\\"+Inf\\\"} 1.5\"");
  CHECK(om_error(h + "h_count{le=\"1\"} 1\n") ==
        "line 2, column 9: label \"le\" belongs only on the buckets of a histogram near "
        "\"h_count{le=\\\"1\\\"} 1\"");
  CHECK(om_error(h + "h_bucket{le=\"1\"} 1 # {} 2\nh_bucket{le=\"+Inf\"} 1\n") ==
        "line 2, column 25: the exemplar's value is above its bucket's le near "
        "\"...\\\"1\\\"} 1 # {} 2\"");
  CHECK(om_error(h + "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\n"
                     "h_bucket{le=\"1\"} 1 5\nh_bucket{le=\"+Inf\"} 1 5\n") ==
        "line 4, column 19: a metric's samples must all have timestamps or none near "
        "\"...et{le=\\\"1\\\"} 1 5\"");
  CHECK(om_error(h + "h_bucket{le=\"1\"} 0 1\nh_bucket{le=\"+Inf\"} 1 1\n"
                     "h_bucket{le=\"1\"} 1 2\nh_bucket{le=\"+Inf\"} 1 2\n")
            .empty());
}

TEST_CASE("summary, info and stateset values", "[openmetrics]") {
  const std::string s = "# TYPE s summary\n";
  CHECK(om_error(s + "s{quantile=\"1.5\"} 1\n") ==
        "line 2, column 13: a quantile must be between 0 and 1 near \"s{quantile=\\\"1.5\\\"} 1\"");
  CHECK(om_error(s + "s{quantile=\"0.5\"} -1\n") ==
        "line 2, column 19: a quantile's value must not be negative near "
        "\"...tile=\\\"0.5\\\"} -1\"");
  CHECK(om_error(s + "s_sum{quantile=\"0.5\"} 1\n") ==
        "line 2, column 7: label \"quantile\" belongs only on the quantiles of a summary near "
        "\"s_sum{quantile=\\\"0.5\\\"} 1\"");
  CHECK(om_error(s + "s_count 1.5\n") ==
        "line 2, column 9: bucket and count values must be non-negative integers near "
        "\"s_count 1.5\"");
  CHECK(om_error("# TYPE i info\ni_info 1.0\n").empty());
  CHECK(om_error("# TYPE i info\ni_info 0\n") ==
        "line 2, column 8: an info sample's value must be 1 near \"i_info 0\"");
  CHECK(om_error("# TYPE c counter\nc_total -0.5\n") ==
        "line 2, column 9: a counter total must not be NaN or negative near \"c_total -0.5\"");
}
