#include "runtime/cli.hpp"

#include <charconv>
#include <functional>
#include <map>

namespace vigil::runtime {
namespace {

error usage_error(std::string msg) {
  return {errc::invalid_argument, std::move(msg) + " (see vigild --help)"};
}

}  // namespace

expected<listen_address> parse_listen_address(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return error{errc::invalid_argument,
                 "invalid address \"" + std::string{text} + "\": " + std::string{why} +
                     " (expected HOST:PORT, e.g. 127.0.0.1:9470 or [::1]:9470)"};
  };
  listen_address out;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("unterminated IPv6 literal or missing port");
    out.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port");
    out.host = text.substr(0, colon);
    if (out.host.find(':') != std::string::npos) return bad("IPv6 literals need brackets");
    port = text.substr(colon + 1);
  }
  if (out.host.empty()) return bad("missing host");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value > 65535)
    return bad("port must be a number from 0 to 65535");
  out.port = static_cast<uint16_t>(value);
  return out;
}

expected<vigild_options> parse_vigild_args(const std::vector<std::string>& args) {
  vigild_options opts;
  using setter = std::function<std::optional<error>(const std::string&)>;
  auto address = [](std::optional<listen_address>& slot) -> setter {
    return [&slot](const std::string& v) -> std::optional<error> {
      auto a = parse_listen_address(v);
      if (!a) return a.error_value();
      slot = *a;
      return std::nullopt;
    };
  };
  const std::map<std::string, setter> with_value{
      {"--config",
       [&](const std::string& v) {
         opts.config_file = v;
         return std::optional<error>{};
       }},
      {"--node",
       [&](const std::string& v) {
         opts.node = v;
         return std::optional<error>{};
       }},
      {"--data",
       [&](const std::string& v) {
         opts.data_dir = v;
         return std::optional<error>{};
       }},
      {"--http", address(opts.http)},
      {"--ingest", address(opts.ingest)},
      {"--actor", address(opts.actor)},
      {"--log-level",
       [&](const std::string& v) -> std::optional<error> {
         auto l = log::parse_level(v);
         if (!l) return l.error_value();
         opts.log_level = *l;
         return std::nullopt;
       }},
  };
  const std::map<std::string, bool*> flags{{"--check-config", &opts.check_config},
                                           {"--version", &opts.version},
                                           {"--help", &opts.help},
                                           {"-h", &opts.help}};
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> value;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (auto f = flags.find(flag); f != flags.end()) {
      if (value) return usage_error(flag + " takes no value");
      *f->second = true;
    } else if (auto s = with_value.find(flag); s != with_value.end()) {
      if (!value) {
        if (i + 1 >= args.size()) return usage_error(flag + " needs a value");
        value = args[++i];
      }
      if (auto err = s->second(*value)) return usage_error(flag + ": " + err->message);
    } else {
      return usage_error("unknown argument \"" + args[i] + "\"");
    }
  }
  return opts;
}

std::string vigild_usage() {
  return R"(Usage: vigild [OPTIONS]

Runs one vigil node. Without --config it runs the embedded default config:
one node on 127.0.0.1, data in ./data.

Options:
  --config FILE       cluster config (YAML); default: the embedded config
  --node NAME         which node of the config this process is; default: the only one
  --data DIR          override the node's data_dir
  --http ADDR:PORT    override the HTTP listen address (default port 9470)
  --ingest ADDR:PORT  override the msgpack ingest address (default port 9471)
  --actor ADDR:PORT   override the actor (cluster/admin) address (default port 9472)
  --check-config      validate the config and exit
  --log-level LEVEL   debug, info, warn or error (default info)
  --version           print the version and exit
  --help              print this help and exit

Exit codes: 0 clean exit, 1 runtime failure, 2 bad config or usage.
)";
}

node_endpoints resolve_endpoints(const vigild_options& opts, const config::node_config& node) {
  return {
      .http = opts.http.value_or(listen_address{node.host, node.http_port}),
      .ingest = opts.ingest.value_or(listen_address{node.host, node.ingest_port}),
      .actor = opts.actor.value_or(listen_address{node.host, node.actor_port}),
      .data_dir = opts.data_dir.value_or(node.data_dir),
  };
}

std::map<std::string, std::string> flag_values(const vigild_options& opts,
                                               const config::node_config& node) {
  auto ends = resolve_endpoints(opts, node);
  auto address = [](const listen_address& a) { return a.host + ":" + std::to_string(a.port); };
  return {{"config", opts.config_file.value_or("")},
          {"node", node.name},
          {"data", ends.data_dir},
          {"http", address(ends.http)},
          {"ingest", address(ends.ingest)},
          {"actor", address(ends.actor)},
          {"log-level", std::string{log::to_string(opts.log_level)}}};
}

}  // namespace vigil::runtime
