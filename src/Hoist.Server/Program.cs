using Hoist.Server.Auth;
using Hoist.Server.Data;
using Hoist.Server.Health;
using Hoist.Server.Http;
using Hoist.Server.Kubernetes;
using Hoist.Server.Metrics;
using Hoist.Server.Releases;
using Hoist.Server.Setup;
using Hoist.Server.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddHoistConfiguration(args);
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
app.Run();

public partial class Program;
