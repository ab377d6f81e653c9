"""REST resources of the contacts service: leads, customers, contact persons, customer
groups, CSV imports and the public web-form intake. Each view parses (pydantic), builds the
request message (gateway.translate), calls one gRPC method as the signed-in caller and
translates the reply."""
