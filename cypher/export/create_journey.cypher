CREATE (j:Journey)
SET j = $properties
