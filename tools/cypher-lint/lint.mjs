// Lint Cypher with Neo4j's own linter (the one Neo4j's tools use).
// Input on stdin, JSON: {"schema": {labels, relationshipTypes, propertyKeys},
//                        "queries": [{"name", "text", "parameters": [names]}]}
// Output on stdout, JSON: [{"name", "diagnostics": [{"severity", "message", "line"}]}]
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { schema, queries } = JSON.parse(input);
const results = queries.map(({ name, text, parameters }) => {
  const dbSchema = { ...schema, parameters: Object.fromEntries(parameters.map((p) => [p, null])) };
  const { diagnostics } = lintCypherQuery(text, dbSchema);
  return {
    name,
    diagnostics: diagnostics.map((d) => ({ severity: d.severity, message: d.message, line: d.range.start.line + 1 })),
  };
});
process.stdout.write(JSON.stringify(results));
