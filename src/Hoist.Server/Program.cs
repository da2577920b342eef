using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Demo;
using Hoist.Server.Health;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;
using Hoist.Server.Metrics;
using Hoist.Server.Releases;
using Hoist.Server.Setup;
using Hoist.Server.Web;

var demo = DemoOptions.Parse(ref args);   // `demo …`: the one-command demo (Demo/); null otherwise
var builder = WebApplication.CreateBuilder(args);
builder.AddHoistConfiguration(args);
builder.AddHoistDemo(demo);
builder.Services.AddHoistData();
builder.Services.AddHoistHttp();
builder.Services.AddHoistAuth();
builder.Services.AddHoistMetrics();
builder.Services.AddHoistFeatures();
builder.Services.AddClusterGateways();
builder.Services.AddReleaseEngine();
builder.AddHoistWeb();

var app = builder.Build();
app.UseHoistHttp();
app.MapApiDocs();
app.MapHealthApi();
app.MapMetricsApi();
app.MapHoistApi();
app.MapHoistWeb();

await app.InitializeDatabaseAsync();
await app.RunHoistAsync(demo);

public partial class Program;
