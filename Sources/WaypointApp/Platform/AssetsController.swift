import Foundation
import Vapor

/// The stylesheet and the small script ship inside the app (no CDN, no working-directory
/// dependence), loaded once and served with a cache header.
struct AssetsController: RouteCollection {
    struct Asset: Sendable {
        let body: String
        let contentType: HTTPMediaType
    }

    let assets: [String: Asset]

    init() {
        func load(_ name: String, _ ext: String) -> String {
            let url =
                Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources/Public")
                ?? Bundle.module.url(forResource: name, withExtension: ext)
            return url.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        }
        assets = [
            "waypoint.css": Asset(
                body: load("waypoint", "css"), contentType: HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])),
            "waypoint.js": Asset(
                body: load("waypoint", "js"),
                contentType: HTTPMediaType(type: "application", subType: "javascript", parameters: ["charset": "utf-8"]))
        ]
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.asset) { req -> Response in
            guard let name = req.parameters.get("name"), let asset = assets[name] else { throw Abort(.notFound) }
            var headers = HTTPHeaders()
            headers.contentType = asset.contentType
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return Response(status: .ok, headers: headers, body: .init(string: asset.body))
        }
    }
}
