import Foundation
import WaypointDomain
import ZIPFoundation

/// Reads and writes a bundle: a folder of CSV files, or a .zip of one.
enum BundleIO {
    /// Per-file limit, so a mistaken upload of a huge file is refused with a clear message
    /// instead of exhausting memory.
    static let defaultMaxFileBytes = 512 * 1024 * 1024

    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    static func read(path: String, maxFileBytes: Int = defaultMaxFileBytes) throws -> [String: Data] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw ReadError(description: "\(path): no such file or folder")
        }
        if isDir.boolValue {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where !name.hasPrefix(".") {
                let full = (path as NSString).appendingPathComponent(name)
                var sub: ObjCBool = false
                // A folder inside is not part of the bundle, nor a name gone since the listing.
                if !FileManager.default.fileExists(atPath: full, isDirectory: &sub) || sub.boolValue { continue }
                let size = (try FileManager.default.attributesOfItem(atPath: full)[.size] as? NSNumber)?.intValue ?? 0
                try checkSize(name, size, maxFileBytes)
                files[name] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
            return files
        }
        guard path.lowercased().hasSuffix(".zip") else {
            throw ReadError(description: "\(path): a bundle is a folder of CSV files or a .zip of one")
        }
        var limits = ZipLimits()
        limits.maxFileBytes = maxFileBytes
        limits.maxTotalBytes = Swift.max(limits.maxTotalBytes, maxFileBytes)
        return try readZip(url: URL(fileURLWithPath: path), limits: limits)
    }

    /// What a .zip may expand to. The sizes a .zip declares are not trusted: inflated bytes are
    /// counted as they stream out of each entry, and reading stops at the first limit passed.
    struct ZipLimits: Sendable {
        var maxFileBytes = BundleIO.defaultMaxFileBytes
        /// All files together.
        var maxTotalBytes = 1024 * 1024 * 1024
        /// Inflated ÷ compressed size of an entry (past the first megabyte): CSV compresses about
        /// 5–20 times; a zip bomb about a thousand.
        var maxRatio = 200
        var maxEntries = 100
    }

    static func readZip(_ data: Data, limits: ZipLimits = ZipLimits()) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw ReadError(description: "the file is not a readable .zip archive")
        }
        return try readZip(archive, limits: limits)
    }

    static func readZip(url: URL, limits: ZipLimits = ZipLimits()) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch {
            throw ReadError(description: "the file is not a readable .zip archive")
        }
        return try readZip(archive, limits: limits)
    }

    private static func readZip(_ archive: Archive, limits: ZipLimits) throws -> [String: Data] {
        var files: [String: Data] = [:]
        var total = 0
        var entries = 0
        for entry in archive where entry.type == .file {
            entries += 1
            if entries > limits.maxEntries {
                throw ReadError(description: "the .zip holds more than \(limits.maxEntries) files; a bundle has at most a dozen")
            }
            let name = (entry.path as NSString).lastPathComponent
            if entry.path.hasPrefix("__MACOSX") || name.hasPrefix(".") { continue }
            try checkSize(name, Int(clamping: entry.uncompressedSize), limits.maxFileBytes)
            if files[name] != nil { throw ReadError(description: "\(name) appears twice in the .zip") }
            let compressed = Swift.max(1, Int(clamping: entry.compressedSize))
            var content = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    content.append(chunk)
                    total += chunk.count
                    try checkSize(name, content.count, limits.maxFileBytes)
                    if total > limits.maxTotalBytes {
                        throw ReadError(
                            description:
                                "the files in the .zip expand to more than \(limits.maxTotalBytes / 1_048_576) MB together; split the bundle by service"
                        )
                    }
                    if content.count > 1_048_576, content.count / compressed > limits.maxRatio {
                        throw ReadError(
                            description:
                                "\(name) expands more than \(limits.maxRatio) times its compressed size, which no CSV file does: the .zip is damaged or not a bundle"
                        )
                    }
                }
            } catch let e as ReadError {
                throw e
            } catch {
                throw ReadError(description: "\(name) could not be read from the .zip (it is damaged or its sizes are wrong)")
            }
            files[name] = content
        }
        return files
    }

    static func checkSize(_ name: String, _ size: Int, _ max: Int) throws {
        if size > max {
            throw ReadError(
                description:
                    "\(name): the file is \(String(format: "%.1f", Double(size) / 1_048_576)) MB, more than the \(String(format: "%.1f", Double(max) / 1_048_576)) MB limit for one file; split the bundle by service, or raise the limit with --max-file-mb"
            )
        }
    }

    static func write(_ files: [(String, Data)], to path: String) throws {
        if path.lowercased().hasSuffix(".zip") {
            try? FileManager.default.removeItem(atPath: path)
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
            for (name, data) in files {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                    position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
        } else {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for (name, data) in files {
                try data.write(to: URL(fileURLWithPath: (path as NSString).appendingPathComponent(name)))
            }
        }
    }

    static func zip(_ files: [(String, Data)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, data) in files {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }
}
