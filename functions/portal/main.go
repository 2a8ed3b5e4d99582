// Command portal is the Gatehouse portal Lambda function.
package main

import "github.com/gatehouse-dev/gatehouse/internal/app"

func main() { app.Run("portal", app.PortalFunction) }
