package netmap;

import java.nio.file.Path;
import java.util.List;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Starts Neo4j Community with its Bolt connector on 127.0.0.1:PORT, data in DATA_DIR, prints "READY" and runs
 * until its standard input closes (so it never outlives the test run that started it).
 * Authentication is off: the server listens on loopback only and holds nothing but test data. Graph Data Science's
 * procedures (gds.*) are loaded and allowed, so that netmap's in-database analysis can run against it.
 */
public final class Neo4jLauncher {
    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Neo4jLauncher PORT DATA_DIR");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(args[1]))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // Graph Data Science (org.neo4j.gds:proc, on the class path) registers through Neo4j's extension
                // loader; its procedures reach below the Cypher API, so Neo4j runs them only when unrestricted.
                .setConfig(GraphDatabaseSettings.plugin_dir, gdsPlugins())
                .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);  // fails fast if the database cannot start
        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to close our standard input
        }
        dbms.shutdown();
    }

    /** target/gds-plugins beside target/classes: GDS's jars, which the pom copies there. */
    private static Path gdsPlugins() throws Exception {
        Path classes = Path.of(Neo4jLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.getParent().resolve("gds-plugins");
    }
}
