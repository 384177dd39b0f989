// Which scenarios run, with which sizes, in --quick (smoke check) and full mode (the README's figures). The order
// matters in --warm mode, where one process serves them in turn: memory per connection is read first, strace
// (which slows the traced server) comes last. `fresh`: always on a server process of its own.
export const plans = {
  quick: [
    { id: "connect-ws", args: ["--scenario", "connect", "--clients", "1000", "--members", "10", "--settle", "1"] },
    { id: "connect-polling", needsSocketIO: true, args: ["--scenario", "connect", "--clients", "200", "--members", "10", "--transports", "polling", "--settle", "1"] },
    { id: "rtt", args: ["--scenario", "rtt", "--count", "500", "--duration", "10"] },
    { id: "steady", args: ["--scenario", "steady", "--rooms", "20", "--members", "20", "--senders", "5", "--rate", "10000", "--duration", "4", "--drain", "3"] },
    {
      id: "ramp",
      args: ["--scenario", "ramp", "--rooms", "20", "--members", "20", "--senders", "5", "--duration", "3", "--drain", "3",
        "--ramp-start", "10000", "--ramp-factor", "2", "--ramp-refine", "0", "--ramp-budget", "20"],
    },
    { id: "syscalls", args: ["--scenario", "syscalls", "--rooms", "20", "--members", "20", "--senders", "5", "--rate", "10000", "--lead-in", "3", "--strace-seconds", "3"] },
    { id: "cold-start", fresh: true, args: ["--scenario", "cold-start", "--rooms", "50", "--members", "20", "--senders", "5", "--rate", "20000", "--duration", "12"] },
  ],
  full: [
    { id: "connect-ws", args: ["--scenario", "connect", "--clients", "10000", "--members", "10", "--workers", "3"] },
    { id: "connect-polling", needsSocketIO: true, args: ["--scenario", "connect", "--clients", "2000", "--members", "10", "--transports", "polling", "--workers", "3"] },
    { id: "rtt", args: ["--scenario", "rtt", "--count", "5000", "--duration", "30"] },
    { id: "steady", args: ["--scenario", "steady", "--rooms", "50", "--members", "20", "--senders", "5", "--rate", "20000", "--duration", "15"] },
    {
      id: "ramp",
      args: ["--scenario", "ramp", "--rooms", "50", "--members", "20", "--senders", "5", "--duration", "6",
        "--ramp-start", "10000", "--ramp-factor", "1.5", "--ramp-refine", "2", "--ramp-budget", "240"],
    },
    { id: "syscalls", args: ["--scenario", "syscalls", "--rooms", "50", "--members", "20", "--senders", "5", "--rate", "20000", "--lead-in", "5", "--strace-seconds", "5"] },
    { id: "cold-start", fresh: true, args: ["--scenario", "cold-start", "--rooms", "50", "--members", "20", "--senders", "5", "--rate", "20000", "--duration", "30"] },
  ],
};
