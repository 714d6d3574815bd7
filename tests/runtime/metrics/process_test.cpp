#include "runtime/metrics/process.hpp"

#include <catch2/catch.hpp>

using namespace vigil::metrics;

TEST_CASE("process metrics read this process", "[metrics]") {
  registry reg;
  register_process_metrics(reg);
  auto text = reg.render();
  for (const char* name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                           "process_open_fds ", "process_max_fds ", "process_start_time_seconds "})
    CHECK(text.find(std::string{"\n"} + name) != std::string::npos);
  CHECK(reg.gauges("process_resident_memory_bytes", "").with().value() > 1e6);
  CHECK(reg.gauges("process_open_fds", "").with().value() >= 3);
  CHECK(reg.gauges("process_start_time_seconds", "").with().value() > 1.7e9);
}
