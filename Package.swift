// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Waypoint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "waypoint", targets: ["waypoint"])
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", exact: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", exact: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", exact: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", exact: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", exact: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", exact: "3.36.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
        .package(url: "https://github.com/vapor/multipart-kit.git", exact: "4.7.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0")
    ],
    targets: [
        .target(name: "WaypointDomain"),
        .target(
            name: "WaypointApp",
            dependencies: [
                "WaypointDomain",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "JWTKit", package: "jwt-kit")
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "waypoint", dependencies: ["WaypointApp"]),
        .testTarget(name: "WaypointDomainTests", dependencies: ["WaypointDomain"]),
        .testTarget(
            name: "WaypointAppTests",
            dependencies: [
                "WaypointApp",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "JWTKit", package: "jwt-kit")
            ],
            // The HTML snapshots are read from the source tree by path, not bundled.
            exclude: ["Snapshots/__Snapshots__"]
        )
    ]
)
