#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing

/// The ports test servers listen on. CI failed once with "bind: Address already in use" when a
/// port picked at random from 20,000–40,000 was the local end of an outgoing connection: the
/// kernel gives those out from 32,768 up.
@Suite struct TestPortsTests {
    @Test func anOutgoingConnectionsPortCannotBeListenedOnAndIsNeverHandedOut() throws {
        #expect(!TestPorts.pool.overlaps(TestPorts.ephemeral))
        // A listener, and a connection to it from a port the kernel picks.
        let port = TestPorts.free()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        func call(_ f: (UnsafePointer<sockaddr>) -> Int32) -> Int32 {
            withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, f) }
        }
        try #require(call { bind(listener, $0, size) } == 0)
        try #require(listen(listener, 4) == 0)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        try #require(call { connect(client, $0, size) } == 0)
        var local = sockaddr_in()
        var length = size
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(client, $0, &length) }
        }
        try #require(named == 0)
        let outgoing = Int(UInt16(bigEndian: local.sin_port))
        // The outgoing end holds its port: a server could not start there.
        #expect(TestPorts.ephemeral.contains(outgoing))
        #expect(!TestPorts.canBind(outgoing))
        #expect(!TestPorts.pool.contains(outgoing))
        // The listener's port is taken too, so it is not handed out again.
        #expect(!TestPorts.canBind(port))
    }

    @Test func noPortIsHandedOutTwice() {
        let ports = (0..<500).map { _ in TestPorts.free() }
        #expect(Set(ports).count == 500)
        #expect(ports.allSatisfy { TestPorts.pool.contains($0) })
    }
}
