using Hoist.Server.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddHoistWeb();
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.MapHoistWeb();
app.Run();

public partial class Program;
