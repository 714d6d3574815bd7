#include "runtime/wire/exposition.hpp"

#include <catch2/catch.hpp>

using namespace vigil::wire;

TEST_CASE("the Content-Type header picks the exposition format", "[exposition]") {
  for (auto om : {"application/openmetrics-text; version=1.0.0; charset=utf-8",
                  "application/openmetrics-text; version=0.0.1", "application/openmetrics-text",
                  " Application/OpenMetrics-Text ;version=1.0.0"}) {
    INFO(om);
    CHECK(format_from_content_type(om) == exposition_format::openmetrics);
  }
  for (auto text : {"text/plain; version=0.0.4; charset=utf-8", "text/plain", "",
                    "application/json", "application/openmetrics-textual", ";;;",
                    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily"}) {
    INFO(text);
    CHECK(format_from_content_type(text) == exposition_format::prometheus_text);
  }
}

TEST_CASE("each format knows its own metric types", "[exposition]") {
  using enum metric_type;
  CHECK(parse_metric_type("untyped", exposition_format::prometheus_text) == unknown);
  CHECK(parse_metric_type("summary", exposition_format::prometheus_text) == summary);
  CHECK_FALSE(parse_metric_type("unknown", exposition_format::prometheus_text));
  CHECK_FALSE(parse_metric_type("info", exposition_format::prometheus_text));
  CHECK(parse_metric_type("gaugehistogram", exposition_format::openmetrics) == gauge_histogram);
  CHECK(parse_metric_type("stateset", exposition_format::openmetrics) == stateset);
  CHECK_FALSE(parse_metric_type("untyped", exposition_format::openmetrics));
  CHECK_FALSE(parse_metric_type("Counter", exposition_format::openmetrics));
  CHECK(to_string(gauge_histogram) == "gaugehistogram");
  for (auto t : {unknown, counter, gauge, histogram, gauge_histogram, summary, info, stateset})
    CHECK(parse_metric_type(to_string(t), exposition_format::openmetrics) == t);
}
