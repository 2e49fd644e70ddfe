import Foundation
import MultipartKit
import NIOCore
import Vapor

/// The one way to read an upload: a `multipart/form-data` body streamed from the connection,
/// the file part written to a temporary file as it arrives and counted against `maxBytes`, the
/// other fields kept (small) in memory, and the CSRF token in the form checked before the caller
/// sees anything. Routes that use it register with `body: .stream`, so no body is collected
/// in memory first (`CSRFMiddleware` leaves streamed routes to this).
struct StreamedForm {
    var fields: [String: String] = [:]
    /// The uploaded file, when one was chosen: its name as sent and where it was written.
    var file: (filename: String, url: URL, bytes: Int)?

    static func tooLarge(_ maxBytes: Int) -> WaypointError {
        .tooLarge(
            "The upload is larger than the \(ByteCountText.describe(maxBytes)) limit. Split the bundle by service, or ask the server's operator to import it with the waypoint command."
        )
    }

    static let maxFieldBytes = 4_096
    static let maxFields = 20

    /// Removes the temporary file; call when done (also on every error path below).
    func discard() { if let file { try? FileManager.default.removeItem(at: file.url) } }

    static func read(_ req: Request, fileField: String, maxBytes: Int) async throws -> StreamedForm {
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
            let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 70
        else {
            throw WaypointError.unsupportedMediaType("Send the file through the upload form (multipart/form-data).")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("waypoint-upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
            throw WaypointError.internal("could not create a temporary file for an upload")
        }
        let state = PartState(fileField: fileField)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.body(&buffer, handle) }
        parser.onPartComplete = { state.complete() }
        var total = 0
        do {
            for try await chunk in req.body {
                total += chunk.readableBytes
                if total > maxBytes {
                    throw Self.tooLarge(maxBytes)
                }
                try parser.execute(chunk)
                if let problem = state.problem { throw problem }
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            if error is WaypointError { throw error }
            throw WaypointError.badRequest("The upload could not be read. Choose the file again and resubmit the form.")
        }
        var form = StreamedForm(fields: state.fields)
        if state.fileBytes > 0 {
            form.file = (state.filename ?? "upload", url, state.fileBytes)
        } else {
            try? FileManager.default.removeItem(at: url)
        }
        // The token travels in the form (or a header, already checked by the middleware).
        if let expected = req.storage[StreamedCSRF.self] {
            guard !expected.isEmpty, let supplied = form.fields[CSRFMiddleware.fieldName], Tokens.equal(expected, supplied) else {
                form.discard()
                throw WaypointError.forbidden(CSRFMiddleware.refusal)
            }
        }
        return form
    }

    /// The part being read; the parser's callbacks are synchronous, on this task only.
    private final class PartState: @unchecked Sendable {
        let fileField: String
        var fields: [String: String] = [:]
        var filename: String?
        var fileBytes = 0
        var problem: WaypointError?
        private var name: String?
        private var isFile = false
        private var sawFile = false
        private var value: [UInt8] = []

        init(fileField: String) { self.fileField = fileField }

        func header(_ name: String, _ value: String) {
            guard name.lowercased() == "content-disposition" else { return }
            let params = Self.parameters(value)
            self.name = params["name"]
            isFile = params["name"] == fileField
            if isFile {
                if sawFile { problem = .badRequest("Choose one file to upload.") }
                sawFile = true
                filename = params["filename"].map { String($0.prefix(200)) }
            }
        }

        func body(_ buffer: inout ByteBuffer, _ handle: FileHandle) {
            guard problem == nil else { return }
            if isFile {
                fileBytes += buffer.readableBytes
                if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                    do { try handle.write(contentsOf: bytes) } catch { problem = .internal("could not write an upload to disk") }
                }
            } else {
                value += buffer.readBytes(length: buffer.readableBytes) ?? []
                if value.count > StreamedForm.maxFieldBytes { problem = .badRequest("A field of the form is too long.") }
            }
        }

        func complete() {
            if !isFile, let name {
                if fields.count >= StreamedForm.maxFields { problem = .badRequest("The form has too many fields.") }
                fields[String(name.prefix(100))] = String(decoding: value, as: UTF8.self)
            }
            name = nil
            isFile = false
            value = []
        }

        /// `form-data; name="bundle"; filename="wf.zip"` → ["name": "bundle", "filename": "wf.zip"].
        static func parameters(_ header: String) -> [String: String] {
            var out: [String: String] = [:]
            for piece in header.split(separator: ";").prefix(10) {
                let kv = piece.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                var v = kv[1].trimmingCharacters(in: .whitespaces)
                if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                out[kv[0].trimmingCharacters(in: .whitespaces).lowercased()] = v
            }
            return out
        }
    }
}

enum ByteCountText {
    /// "1 MB", "512 MB": limits as people read them.
    static func describe(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? "\(bytes / 1_048_576) MB" : "\(Swift.max(1, bytes / 1024)) KB"
    }
}
