"""tf2migrate: migrate TensorFlow 1.x and Keras 2 code to TensorFlow 2 (Keras 3).

The package holds the command line (`cli`), the engine that runs the codemods over one file
(`engine`), file discovery and safe file I/O, and the report formats. The rules themselves live in
`tf2migrate.codemods` (the top-level `codemods/` folder of the source tree).
"""

__version__ = "0.1.0"
