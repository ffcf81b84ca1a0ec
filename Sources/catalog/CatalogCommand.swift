import ArgumentParser
import GRDB
import Hummingbird
import AsyncHTTPClient
@main struct CatalogCommand: AsyncParsableCommand { func run() async throws {} }
