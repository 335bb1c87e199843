"""`atlas import`: official data and the 2019 census written as sheets.

- `territories` (``--level``): régions, départements, EPCI and communes from the INSEE COG
  (`cog` reads the data, `territory_sheets` writes the sheets);
- `census` (``--hubs``): the 2019 census of tiers-lieux as hub sheets (`census_rows`, `census_plan`,
  `census_sheets`);
- `indicators` (``--indicators``): the measures of the catalogue (`indicators_data` computes them);
- `sheet_yaml`: the round-trip YAML they share.
"""
