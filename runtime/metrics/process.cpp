#include "runtime/metrics/process.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace vigil::metrics {
namespace {

struct proc_stat {
  double cpu_seconds = 0;
  double start_ticks = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
};

// Fields of /proc/self/stat after the parenthesised command name, which may
// itself contain spaces: state is field 3, utime 14, stime 15, starttime 22,
// vsize 23, rss 24 (in pages).
bool read_proc_stat(proc_stat& out) {
  std::ifstream in{"/proc/self/stat"};
  std::string line;
  if (!std::getline(in, line)) return false;
  auto close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest{line.substr(close + 2)};
  std::vector<std::string> f{std::istream_iterator<std::string>{rest}, {}};
  if (f.size() < 22) return false;  // f[0] is field 3
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  out.start_ticks = std::stod(f[19]);
  out.virtual_bytes = std::stod(f[20]);
  out.resident_bytes = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
  return true;
}

double boot_time_seconds() {
  std::ifstream in{"/proc/stat"};
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(4096, '\n');
  }
  return 0;
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return 0;
  double n = 0;
  while (dirent* e = readdir(dir))
    if (e->d_name[0] != '.') ++n;
  closedir(dir);
  return n - 1;  // opendir's own descriptor
}

}  // namespace

void register_process_metrics(registry& reg) {
  auto& cpu =
      reg.counters("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.")
          .with();
  auto& resident =
      reg.gauges("process_resident_memory_bytes", "Resident memory size in bytes.").with();
  auto& virt = reg.gauges("process_virtual_memory_bytes", "Virtual memory size in bytes.").with();
  auto& fds = reg.gauges("process_open_fds", "Number of open file descriptors.").with();
  auto& max_fds = reg.gauges("process_max_fds", "Maximum number of open file descriptors.").with();
  auto& start = reg.gauges("process_start_time_seconds",
                           "Start time of the process since unix epoch in seconds.")
                    .with();
  const double boot = boot_time_seconds();
  reg.on_collect([&, boot] {
    proc_stat s;
    if (read_proc_stat(s)) {
      // Counters only go up: add the difference since the last render.
      if (s.cpu_seconds > cpu.value()) cpu.inc(s.cpu_seconds - cpu.value());
      resident.set(s.resident_bytes);
      virt.set(s.virtual_bytes);
      start.set(boot + s.start_ticks / static_cast<double>(sysconf(_SC_CLK_TCK)));
    }
    fds.set(open_fds());
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0) max_fds.set(static_cast<double>(lim.rlim_cur));
  });
}

}  // namespace vigil::metrics
