#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import NIOConcurrencyHelpers

/// Loopback ports for tests that run a real server.
///
/// A port picked at random may be the local end of one of the many outgoing connections the
/// tests make (each PostgreSQL connection takes one from the kernel's ephemeral range, and keeps
/// it for a minute in TIME_WAIT after it closes): binding it then fails with "Address already in
/// use". So ports come from outside that range, each handed to one test only in a run, and each is
/// tried with a bind of its own before it is handed out.
enum TestPorts {
    /// The kernel's range for outgoing connections (`ip_local_port_range`), or Linux's default.
    static let ephemeral: ClosedRange<Int> = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
        guard parts.count == 2, parts[0] <= parts[1] else { return 32_768...60_999 }
        return parts[0]...parts[1]
    }()

    /// Where test servers listen: below the ephemeral range when it leaves room, else above it.
    static let pool: ClosedRange<Int> = {
        if ephemeral.lowerBound > 12_000 { return 10_000...(ephemeral.lowerBound - 1) }
        return (ephemeral.upperBound + 1)...65_535
    }()

    private static let next = NIOLockedValueBox(Int.random(in: 0..<(pool.count)))

    /// A port no other test of this run has been given, free when handed out.
    static func free() -> Int {
        for _ in 0..<pool.count {
            let port = next.withLockedValue { offset -> Int in
                defer { offset = (offset + 1) % pool.count }
                return pool.lowerBound + offset
            }
            if canBind(port) { return port }
        }
        preconditionFailure("no free loopback port in \(pool)")
    }

    /// Whether a listening socket (with SO_REUSEADDR, as the server's) can take the port now.
    static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}
