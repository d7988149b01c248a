"""netmap's Cypher queries, one per `verb_object.cypher` file, and their loader."""

from graph_queries.loader import declared_parameters, load_query, query_names

__all__ = ["declared_parameters", "load_query", "query_names"]
