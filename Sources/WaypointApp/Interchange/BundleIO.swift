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
                FileManager.default.fileExists(atPath: full, isDirectory: &sub)
                if sub.boolValue { continue }
                let size = (try FileManager.default.attributesOfItem(atPath: full)[.size] as? NSNumber)?.intValue ?? 0
                try checkSize(name, size, maxFileBytes)
                files[name] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
            return files
        }
        guard path.lowercased().hasSuffix(".zip") else {
            throw ReadError(description: "\(path): a bundle is a folder of CSV files or a .zip of one")
        }
        return try readZip(Data(contentsOf: URL(fileURLWithPath: path)), maxFileBytes: maxFileBytes)
    }

    static func readZip(_ data: Data, maxFileBytes: Int = defaultMaxFileBytes) throws -> [String: Data] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw ReadError(description: "the file is not a readable .zip archive")
        }
        var files: [String: Data] = [:]
        for entry in archive where entry.type == .file {
            let name = (entry.path as NSString).lastPathComponent
            if entry.path.hasPrefix("__MACOSX") || name.hasPrefix(".") { continue }
            try checkSize(name, Int(entry.uncompressedSize), maxFileBytes)
            if files[name] != nil { throw ReadError(description: "\(name) appears twice in the .zip") }
            var content = Data()
            _ = try archive.extract(entry, skipCRC32: false) { content.append($0) }
            files[name] = content
        }
        return files
    }

    static func checkSize(_ name: String, _ size: Int, _ max: Int) throws {
        if size > max {
            throw ReadError(description: "\(name): the file is \(String(format: "%.1f", Double(size) / 1_048_576)) MB, more than the \(String(format: "%.1f", Double(max) / 1_048_576)) MB limit for one file; split the bundle by service, or raise the limit with --max-file-mb")
        }
    }

    static func write(_ files: [(String, Data)], to path: String) throws {
        if path.lowercased().hasSuffix(".zip") {
            try? FileManager.default.removeItem(atPath: path)
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
            for (name, data) in files {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
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
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data ?? Data()
    }
}
