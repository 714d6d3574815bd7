// vigild: one vigil node. See `vigild --help` and README.md.

#include <cstdio>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "runtime/cli.hpp"
#include "runtime/node.hpp"
#include "runtime/version.hpp"
#include "storage/base/log.hpp"

namespace {

constexpr int exit_usage = 2;

}  // namespace

int main(int argc, char** argv) {
  using namespace vigil;
  auto opts = runtime::parse_vigild_args({argv + 1, argv + argc});
  if (!opts) {
    std::fprintf(stderr, "vigild: %s\n", opts.error_value().message.c_str());
    return exit_usage;
  }
  if (opts->help) {
    std::fputs(runtime::vigild_usage().c_str(), stdout);
    return 0;
  }
  if (opts->version) {
    std::printf("vigild %s (revision %s)\n", vigil::version, vigil::revision);
    return 0;
  }
  log::set_level(opts->log_level);

  auto cfg = opts->config_file ? config::load_file(*opts->config_file)
                               : expected<config::config>{config::embedded_default()};
  if (!cfg) {
    std::fprintf(stderr, "%s\n", cfg.error_value().message.c_str());
    return exit_usage;
  }
  auto node = config::select_node(*cfg, opts->node);
  if (!node) {
    std::fprintf(stderr, "vigild: %s\n", node.error_value().message.c_str());
    return exit_usage;
  }
  if (opts->check_config) {
    std::printf("%s: config OK (cluster %s, %zu node(s), this node %s)\n", cfg->source.c_str(),
                cfg->cluster.name.c_str(), cfg->cluster.nodes.size(), (*node)->name.c_str());
    return 0;
  }
  return runtime::run_node(*cfg, **node, runtime::resolve_endpoints(*opts, **node),
                           runtime::flag_values(*opts, **node));
}
